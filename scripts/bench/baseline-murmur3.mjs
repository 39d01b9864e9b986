// Copied from ../shared/bench-peers/lib/murmur3.mjs: the trivial baseline's hash, so that engine-ab.mjs needs no harness.
// MurmurHash3 x86_32 over the UTF-16 code units of an ASCII string (one byte per char).
// Used by the trivial baseline and the reference evaluator. Matches the canonical
// murmur3_32 for ASCII input.
export function murmur3(key, seed = 0) {
  const len = key.length;
  const nblocks = len >> 2;
  let h1 = seed | 0;
  const c1 = 0xcc9e2d51, c2 = 0x1b873593;
  let i = 0;
  for (let b = 0; b < nblocks; b++, i += 4) {
    let k1 = (key.charCodeAt(i) & 0xff) | ((key.charCodeAt(i + 1) & 0xff) << 8) |
      ((key.charCodeAt(i + 2) & 0xff) << 16) | ((key.charCodeAt(i + 3) & 0xff) << 24);
    k1 = Math.imul(k1, c1); k1 = (k1 << 15) | (k1 >>> 17); k1 = Math.imul(k1, c2);
    h1 ^= k1; h1 = (h1 << 13) | (h1 >>> 19); h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  }
  let k1 = 0;
  switch (len & 3) {
    case 3: k1 ^= (key.charCodeAt(i + 2) & 0xff) << 16; // fallthrough
    case 2: k1 ^= (key.charCodeAt(i + 1) & 0xff) << 8; // fallthrough
    case 1:
      k1 ^= key.charCodeAt(i) & 0xff;
      k1 = Math.imul(k1, c1); k1 = (k1 << 15) | (k1 >>> 17); k1 = Math.imul(k1, c2); h1 ^= k1;
  }
  h1 ^= len;
  h1 ^= h1 >>> 16; h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13; h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}
