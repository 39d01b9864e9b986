// MurmurHash3 x86 32-bit over the UTF-8 bytes of a string, and flagd's bucket arithmetic.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** A hash in progress: h1 after the complete blocks, plus the pending tail bytes. */
export interface MurmurState {
  h1: number;
  /** pending bytes, little-endian */
  k1: number;
  /** number of pending bytes times 8 */
  shift: number;
  length: number;
  /** a lone high surrogate that ended the prefix: not hashed yet, since the next string may complete the pair */
  lead?: string;
}

function mixBlock(h1: number, k1: number): number {
  k1 = Math.imul(k1, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, C2);
  h1 ^= k1;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

function finish(h1: number, k1: number, shift: number, length: number): number {
  if (shift > 0) {
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

/** Appends the UTF-8 bytes of `s` to a state (surrogate pairs joined, lone surrogates as U+FFFD like TextEncoder). */
function feed(st: MurmurState, s: string): void {
  let { h1, k1, shift, length } = st;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    let bytes: number;
    let count: number;
    if (c < 0x80) {
      bytes = c;
      count = 1;
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      }
      if (c < 0x800) {
        bytes = (0xc0 | (c >> 6)) | ((0x80 | (c & 63)) << 8);
        count = 2;
      } else if (c < 0x10000) {
        bytes = (0xe0 | (c >> 12)) | ((0x80 | ((c >> 6) & 63)) << 8) | ((0x80 | (c & 63)) << 16);
        count = 3;
      } else {
        bytes = (0xf0 | (c >> 18)) | ((0x80 | ((c >> 12) & 63)) << 8) | ((0x80 | ((c >> 6) & 63)) << 16) | ((0x80 | (c & 63)) << 24);
        count = 4;
      }
    }
    for (let j = 0; j < count; j++, bytes >>>= 8) {
      k1 |= (bytes & 0xff) << shift;
      length++;
      if ((shift += 8) === 32) {
        h1 = mixBlock(h1, k1);
        k1 = 0;
        shift = 0;
      }
    }
  }
  st.h1 = h1;
  st.k1 = k1;
  st.shift = shift;
  st.length = length;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;

/** The state after hashing `prefix` (e.g. a flag key, hashed once when the flag is compiled). */
export function murmur3Prefix(prefix: string, seed = 0): MurmurState {
  const st: MurmurState = { h1: seed | 0, k1: 0, shift: 0, length: 0 };
  // a high surrogate at the end pairs with nothing in the prefix; the key that follows may complete it
  if (prefix.length > 0 && isHigh(prefix.charCodeAt(prefix.length - 1))) {
    feed(st, prefix.slice(0, -1));
    st.lead = prefix.slice(-1);
  } else feed(st, prefix);
  return st;
}

/** Hash of prefix + key, continuing from the prefix's state; ASCII keys take a fast path, four characters a block. */
export function murmur3From(st: MurmurState, key: string): number {
  return hashFrom(st, key, -1);
}

/**
 * `bucketOf(murmur3From(st, key), totalWeight)`, without returning the hash: an unsigned
 * 32-bit hash is mostly beyond V8's small integers, so a hash returned from a call is a heap number (an
 * allocation per evaluation), where a bucket below the weight is not.
 */
export function bucketFrom(st: MurmurState, key: string, totalWeight: number): number {
  return hashFrom(st, key, totalWeight);
}

/** The hash of prefix + key (`total` −1), or its bucket of `total` (0 or more). */
function hashFrom(st: MurmurState, key: string, total: number): number {
  if (st.lead !== undefined) return murmur3Rest(st.h1, st.k1, st.shift, st.length, st.lead + key, 0, total);
  let h1 = st.h1;
  let k1 = st.k1;
  let shift = st.shift;
  const n = key.length;
  let i = 0;
  // Complete the prefix's pending block, then whole blocks, then the tail.
  for (; shift !== 0 && i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return murmur3Rest(h1, k1, shift, st.length + i, key, i, total);
    k1 |= c << shift;
    if ((shift += 8) === 32) {
      h1 = mixBlock(h1, k1);
      k1 = 0;
      shift = 0;
    }
  }
  for (; i + 4 <= n; i += 4) {
    const c0 = key.charCodeAt(i);
    const c1 = key.charCodeAt(i + 1);
    const c2 = key.charCodeAt(i + 2);
    const c3 = key.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) break;
    h1 = mixBlock(h1, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  for (; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return murmur3Rest(h1, k1, shift, st.length + i, key, i, total);
    k1 |= c << shift;
    if ((shift += 8) === 32) {
      h1 = mixBlock(h1, k1);
      k1 = 0;
      shift = 0;
    }
  }
  const h = finish(h1, k1, shift, st.length + n);
  return total < 0 ? h : bucketOf(h, total);
}

/** The general UTF-8 path from the first non-ASCII character on. */
function murmur3Rest(h1: number, k1: number, shift: number, length: number, key: string, from: number, total: number): number {
  const rest = { h1, k1, shift, length };
  feed(rest, key.slice(from));
  const h = finish(rest.h1, rest.k1, rest.shift, rest.length);
  return total < 0 ? h : bucketOf(h, total);
}

/** Hash of the UTF-8 encoding of `key` (seed 0 by default), as an unsigned 32-bit integer. */
export function murmur3(key: string, seed = 0): number {
  return murmur3From({ h1: seed | 0, k1: 0, shift: 0, length: 0 }, key);
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
