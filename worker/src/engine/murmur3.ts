// MurmurHash3 x86 32-bit over the UTF-8 bytes of a string, and flagd's bucket arithmetic.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h1: number, k1: number): number {
  k1 = Math.imul(k1, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, C2);
  h1 ^= k1;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

function finish(h1: number, k1: number, tail: number, length: number): number {
  if (tail > 0) {
    k1 = Math.imul(k1, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h1 ^= k1;
  }
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/** Hash of the UTF-8 encoding of `key` (seed 0 by default), as an unsigned 32-bit integer. */
export function murmur3(key: string, seed = 0): number {
  let h1 = seed | 0;
  let k1 = 0; // bytes accumulated for the current block, little-endian
  let shift = 0; // bit position of the next byte inside k1
  let length = 0;
  const n = key.length;
  for (let i = 0; i < n; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      k1 |= c << shift;
      length++;
      if ((shift += 8) === 32) {
        h1 = mixBlock(h1, k1);
        k1 = 0;
        shift = 0;
      }
      continue;
    }
    // Encode one code point (surrogate pairs joined, lone surrogates as U+FFFD like TextEncoder).
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = key.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    let bytes: number[];
    if (c < 0x800) bytes = [0xc0 | (c >> 6), 0x80 | (c & 63)];
    else if (c < 0x10000) bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    else bytes = [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    for (const b of bytes) {
      k1 |= b << shift;
      length++;
      if ((shift += 8) === 32) {
        h1 = mixBlock(h1, k1);
        k1 = 0;
        shift = 0;
      }
    }
  }
  return finish(h1, k1, shift, length);
}

/**
 * flagd's bucket: `(hash * totalWeight) >> 32`, exact without BigInt. `hash` is an unsigned
 * 32-bit integer and `totalWeight` at most 2^31-1, so each partial product stays below 2^53.
 */
export function bucketOf(hash: number, totalWeight: number): number {
  const hi = hash >>> 16;
  const lo = hash & 0xffff;
  return Math.floor((hi * totalWeight + Math.floor((lo * totalWeight) / 65536)) / 65536);
}
