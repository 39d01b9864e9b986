// Instants for the `before` / `after` operators: RFC 3339 strings or unix seconds.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * Milliseconds since the epoch, or null. Numbers are unix seconds (like `$flagd.timestamp`);
 * strings are an RFC 3339 date-time with an offset, or a full date (midnight UTC).
 */
export function toInstant(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v * 1000 : null;
  if (typeof v !== 'string' || v.length > 40) return null;
  const m = RFC3339.exec(v);
  if (!m) return null;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60)) return null;
  const t = Date.parse(m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : v.replace(' ', 'T').toUpperCase());
  return Number.isNaN(t) ? null : t;
}
