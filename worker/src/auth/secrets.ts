// Secrets (admin tokens, SDK keys): generation, hashing and constant-time comparison.
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random identifier of `length` characters from [a-z0-9], unbiased. */
export function randomId(length = 16): string {
  const out: string[] = [];
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 252 && out.length < length) out.push(alphabet[b % 36]);
    }
  }
  return out.join('');
}

const encoder = new TextEncoder();

const hexOctets = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of the first `length` bytes. */
export function toHex(bytes: Uint8Array, length = bytes.length): string {
  let out = '';
  for (let i = 0; i < length; i++) out += hexOctets[bytes[i]];
  return out;
}

export async function sha256Hex(value: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value))));
}

/** Compares two hex digests in constant time (both are SHA-256, so equal length when well-formed). */
export function digestsEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}

/**
 * Compares two strings without stopping at the first difference, so the time taken does not tell how
 * much of a secret matched (only whether the lengths differ).
 */
export function stringsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Reads a credential from `Authorization: Bearer …` or, for OFREP, `X-API-Key`. A Bearer credential wins
 * (a malformed one presents nothing); an `Authorization` of another scheme (`Basic …` from a proxy or a
 * browser) is not ours, so `X-API-Key` still counts where it is allowed.
 */
export function presentedCredential(headers: Headers, allowApiKeyHeader: boolean): string | null {
  const auth = headers.get('authorization');
  if (auth) {
    // the common exact form without a regular expression (the evaluation hot path reads this per request)
    if (auth.startsWith('Bearer ') && auth.indexOf(' ', 7) === -1 && auth.length > 7) return auth.slice(7);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
    if (!allowApiKeyHeader || /^Bearer(?:\s|$)/i.test(auth)) return null;
  }
  if (allowApiKeyHeader) return headers.get('x-api-key')?.trim() || null;
  return null;
}
