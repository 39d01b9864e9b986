// IPv4 and IPv6 addresses and CIDR ranges, for the `ip_in` operator.

/** An address as 8 groups of 16 bits (IPv4 is mapped into ::ffff:0:0/96). */
export type IpAddress = Uint16Array;

export interface CidrRange {
  address: IpAddress;
  /** prefix length in bits over the 128-bit form */
  bits: number;
}

function parseIpv4Groups(s: string, out: Uint16Array, at: number): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    bytes.push(n);
  }
  out[at] = (bytes[0] << 8) | bytes[1];
  out[at + 1] = (bytes[2] << 8) | bytes[3];
  return true;
}

/** Colon-separated hex groups to 16-bit values; an IPv4 tail (`::ffff:1.2.3.4`) counts as two. */
function expandGroups(text: string, v4AllowedLast: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const values: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const g = parts[i];
    if (v4AllowedLast && i === parts.length - 1 && g.indexOf('.') >= 0) {
      const v4 = new Uint16Array(2);
      if (!parseIpv4Groups(g, v4, 0)) return null;
      values.push(v4[0], v4[1]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) values.push(parseInt(g, 16));
    else return null;
  }
  return values;
}

/** Parses a textual IPv4 or IPv6 address (no zone, no brackets); null when invalid. */
export function parseIp(s: unknown): IpAddress | null {
  if (typeof s !== 'string' || s.length === 0 || s.length > 45) return null;
  const out = new Uint16Array(8);
  if (s.indexOf(':') < 0) {
    out[5] = 0xffff;
    return parseIpv4Groups(s, out, 6) ? out : null;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = expandGroups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? expandGroups(halves[1], true) : [];
  if (!head || !tail) return null;
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null;
  for (let i = 0; i < head.length; i++) out[i] = head[i];
  for (let i = 0; i < tail.length; i++) out[8 - tail.length + i] = tail[i];
  return out;
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128); null when invalid. */
export function parseCidr(s: string): CidrRange | null {
  const slash = s.indexOf('/');
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return null;
  const v4 = s.indexOf(':') < 0;
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    bits = Number(p);
    if (bits > max) return null;
  }
  return { address: addr, bits: v4 ? bits + 96 : bits };
}

export function cidrContains(range: CidrRange, ip: IpAddress): boolean {
  let bits = range.bits;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((range.address[i] & mask) !== (ip[i] & mask)) return false;
  }
  return true;
}
