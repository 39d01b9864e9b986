// A seeded generator of malformed requests: bodies, content types, path parameters and query strings that no
// route may accept. Deterministic for a seed, so a failure can be replayed.

/** mulberry32: small, fast, good enough to pick mutations. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nest = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Bodies no route may take: not JSON, the wrong type, too big, too deep, poisoned keys, odd Unicode in keys. */
export function malformedBodies(random: () => number, randomCount: number): { name: string; body: string }[] {
  const fixed: [string, string][] = [
    ['empty', ''],
    ['truncated object', '{"key":'],
    ['truncated array', '[1,2'],
    ['trailing garbage', '{"a":1}garbage'],
    ['single quotes', "{'key':'x'}"],
    ['NaN', '{"value":NaN}'],
    ['bare null', 'null'],
    ['bare number', '123'],
    ['bare string', '"flags"'],
    ['bare array', '[]'],
    ['NUL byte', '\u0000'],
    ['byte order mark + garbage', '\ufeff{,}'],
    ['wrong types', '{"key":123,"name":[],"flags":"x","plan":1,"version":{},"state":7,"rateLimit":"high","kind":null}'],
    ['__proto__ pollution', '{"__proto__":{"admin":true},"key":"__proto__"}'],
    ['constructor pollution', '{"constructor":{"prototype":{"polluted":1}},"key":"constructor"}'],
    ['lone surrogate key', '{"key":"\\ud800","name":"\\udfff"}'],
    ['NUL in key', '{"key":"a\\u0000b"}'],
    ['right-to-left mark key', '{"key":"\\u202eexe.flag"}'],
    ['path key', '{"key":"../../etc/passwd"}'],
    ['very long key', JSON.stringify({ key: 'k'.repeat(5000) })],
    ['deep arrays', nest(20_000, '[', ']')],
    ['deep objects', nest(5_000, '{"a":', '}')],
    ['deep context', `{"context":${nest(5_000, '{"a":', '}')}}`],
    ['huge string', JSON.stringify({ key: 'x', description: 'd'.repeat(3 * 1024 * 1024) })],
    ['huge array', JSON.stringify({ flags: Array.from({ length: 100_000 }, (_, i) => `f${i}`) })],
  ];
  const out = fixed.map(([name, body]) => ({ name, body }));
  // random corruptions of plausible bodies: a character dropped, swapped or inserted at a random place
  const seeds = ['{"key":"new-flag","variants":{"on":true,"off":false}}', '{"state":"ENABLED"}', '{"context":{"targetingKey":"u1"}}', '{"name":"n","kind":"server"}'];
  const noise = ['{', '}', '"', ',', ':', '[', '\\', '\u0000', '\ud800'];
  for (let i = 0; i < randomCount; i++) {
    const s = seeds[Math.floor(random() * seeds.length)];
    const at = 1 + Math.floor(random() * (s.length - 2));
    const op = Math.floor(random() * 3);
    const c = noise[Math.floor(random() * noise.length)];
    const body = op === 0 ? s.slice(0, at) + s.slice(at + 1) : op === 1 ? s.slice(0, at) + c + s.slice(at + 1) : s.slice(0, at) + c + s.slice(at);
    try {
      JSON.parse(body);
      continue; // still valid JSON: not malformed (and could be a valid request)
    } catch {
      out.push({ name: `corrupted #${i}`, body });
    }
  }
  return out;
}

/** Path parameters no route may resolve: encoded slashes, dot segments, NUL, overlong, non-ASCII. */
export const badPathParams = ['%2F', '..', '%2e%2e', 'a%2Fb', '%00', 'x'.repeat(2000), '%C3%A9t%C3%A9', '%ED%A0%80', '__proto__', '%20', 'a%3Fb'];

/** Content types that are not JSON, sent with a JSON body. */
export const badContentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'];
