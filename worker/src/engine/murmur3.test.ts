/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { bucketFrom, bucketOf, murmur3, murmur3From, murmur3Prefix } from './murmur3';
import table from './testdata/murmur3-vectors.json';

// The bench harness's murmur3 (one byte per UTF-16 unit, so only ASCII agrees): an independent cross-check.
const peers = import.meta.glob('../../../../shared/bench-peers/lib/murmur3.mjs', { eager: true }) as Record<string, { murmur3: (k: string, s?: number) => number }>;
const peer = Object.values(peers)[0]?.murmur3;

const exactBucket = (hash: number, total: number) => Number((BigInt(hash) * BigInt(total)) >> 32n);

describe('murmur3', () => {
  it.each(table.vectors)('hashes the UTF-8 bytes of $key to $hash', ({ key, hash }) => {
    expect(murmur3(key)).toBe(hash);
  });

  it.each(table.vectors)('puts $key in the same buckets as exact integer arithmetic', ({ key, buckets }) => {
    for (const [total, bucket] of Object.entries(buckets)) expect(bucketOf(murmur3(key), Number(total))).toBe(bucket);
  });

  it.each(table.vectors)('bucketFrom puts flag + $key where the hash of the whole does', ({ key, buckets }) => {
    // after ASCII, non-ASCII and surrogate-ended prefixes, for every total of the table and a total of 0
    for (const prefix of ['', 'flag-003', 'größe', 'x\ud83d']) {
      for (const total of [0, ...Object.keys(buckets).map(Number)]) {
        expect(bucketFrom(murmur3Prefix(prefix), key, total)).toBe(exactBucket(murmur3(prefix + key), total));
      }
    }
  });

  it('matches the published reference vectors', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('hello')).toBe(0x248bfa47);
    expect(murmur3('Hello, world!')).toBe(0xc0363e43);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  it('hashes a lone surrogate as U+FFFD, like TextEncoder', () => {
    expect(murmur3('a\ud800b')).toBe(murmur3('a\ufffdb'));
  });

  it.each(table.vectors.filter((v) => v.key.length > 1))('continues a prefix state at every split of $key like hashing it whole', ({ key, hash }) => {
    const chars = [...key]; // split between code points, as flag key + targeting key are
    for (let i = 0; i <= chars.length; i++) expect(murmur3From(murmur3Prefix(chars.slice(0, i).join('')), chars.slice(i).join(''))).toBe(hash);
  });

  it('honours the seed', () => {
    expect(murmur3('hello', 1)).not.toBe(murmur3('hello'));
  });

  it.skipIf(!peer)('agrees with the bench harness on ASCII keys (skipped: ../shared/bench-peers absent)', () => {
    for (let i = 0; i < 2000; i++) {
      const key = `flag-${i % 200}user-${i}-${(i * 2654435761) >>> 0}`.slice(0, 1 + (i % 40));
      expect(murmur3(key)).toBe(peer!(key));
      expect(murmur3(key, i)).toBe(peer!(key, i));
    }
  });
});

describe('bucketOf', () => {
  it('equals (hash * total) >> 32 computed with BigInt, at the extremes', () => {
    for (const hash of [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x9e3779b9]) {
      for (const total of [1, 2, 3, 100, 10000, 65535, 65536, 1 << 30, 2147483647]) {
        expect(bucketOf(hash, total)).toBe(exactBucket(hash, total));
      }
    }
  });

  it('is always below the total weight', () => {
    expect(bucketOf(0xffffffff, 100)).toBe(99);
  });
});
