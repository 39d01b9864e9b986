import { describe, expect, it } from 'vitest';
import { ALPHA, compare, meanSample, rateSample, sampleRatioChi2, SRM_CHI2 } from './sequential';

/** A small seeded generator (mulberry32): the simulations are the same on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs a release: each look adds `perLook` users a side with the given event rates; the first look that decides, or null. */
function run(rand: () => number, pIn: number, pOut: number, looks: number, perLook: number, tuneAt: number) {
  let xi = 0;
  let xo = 0;
  for (let look = 1; look <= looks; look++) {
    for (let i = 0; i < perLook; i++) {
      if (rand() < pIn) xi++;
      if (rand() < pOut) xo++;
    }
    const n = look * perLook;
    const c = compare(rateSample(xi, n), rateSample(xo, n), tuneAt);
    if (c?.significant) return { look, n, difference: c.difference };
  }
  return null;
}

describe('the sequential test (mSPRT)', () => {
  it('raises false alarms in an A/A comparison at most α of the time, however often it looks', () => {
    const rand = random(7);
    const runs = 400;
    let alarms = 0;
    // 200 looks of 50 users a side each: far more looks than a fixed-horizon test could afford
    for (let r = 0; r < runs; r++) if (run(rand, 0.1, 0.1, 200, 50, 1000)) alarms++;
    // the documented bound is α = 5 %; allow the Monte Carlo error of 400 runs (≈ 1.1 % at 5 %) on top
    expect(alarms / runs).toBeLessThanOrEqual(ALPHA + 0.022);
  });

  it('detects a real difference (10 % → 15 % errors) within the expected samples, in the right direction', () => {
    const rand = random(11);
    const found: number[] = [];
    for (let r = 0; r < 100; r++) {
      const hit = run(rand, 0.15, 0.1, 200, 50, 1000);
      if (hit) {
        expect(hit.difference).toBeGreaterThan(0);
        found.push(hit.n);
      }
    }
    // a fixed test at 80 % power needs ≈ 700 users a side for this effect; the always-valid test pays about twice that
    expect(found.length).toBeGreaterThanOrEqual(97);
    found.sort((a, b) => a - b);
    expect(found[Math.floor(found.length / 2)]).toBeLessThanOrEqual(2500);
  });

  it('reports an interval that covers the difference and shrinks with samples', () => {
    const small = compare(meanSample(100, 100 * 5, 100 * 26), meanSample(100, 100 * 5, 100 * 26), 100)!;
    const large = compare(meanSample(10_000, 10_000 * 5, 10_000 * 26), meanSample(10_000, 10_000 * 5, 10_000 * 26), 100)!;
    expect(small.interval[0]).toBeLessThan(0);
    expect(small.interval[1]).toBeGreaterThan(0);
    expect(large.interval[1] - large.interval[0]).toBeLessThan(small.interval[1] - small.interval[0]);
    expect(compare(rateSample(1, 1), rateSample(0, 10), 10)).toBeNull();
  });

  it('tells a sample-ratio mismatch from chance', () => {
    expect(sampleRatioChi2(1020, 2000, 0.5)).toBeLessThan(SRM_CHI2);
    expect(sampleRatioChi2(1200, 2000, 0.5)).toBeGreaterThan(SRM_CHI2);
  });
});
