// The floor of the engine benchmarks: a hand-written evaluator of exactly the bench workload's shape (an `if` of
// `and(in, ==)`, `ends_with`, `sem_ver >=`, then a `fractional` on the flag key and targetingKey), with the API that
// engine-ab.mjs and engine-instructions.mjs call. No interpretation: a flag's fields on one object, the four tests
// inline, the version parsed to a key, the same murmur3 and bucket as flagd. It shows what reading the attributes,
// testing them and hashing the key cost, against which an engine's own overhead can be read:
//   node scripts/bench/engine-ab.mjs floor=scripts/bench/floor-engine.mjs now=worker/src/engine/index.ts
// It is not Curtain and handles no other shape (it throws on one); it agrees with Curtain on the workload's answers.
const C1 = 0xcc9e2d51, C2 = 0x1b873593;
function mix(h1, k1) { k1 = Math.imul(k1, C1); k1 = (k1 << 15) | (k1 >>> 17); k1 = Math.imul(k1, C2); h1 ^= k1; h1 = (h1 << 13) | (h1 >>> 19); return (Math.imul(h1, 5) + 0xe6546b64) | 0; }
function prefixOf(s) { let h1 = 0, k1 = 0, shift = 0; for (let i = 0; i < s.length; i++) { k1 |= s.charCodeAt(i) << shift; if ((shift += 8) === 32) { h1 = mix(h1, k1); k1 = 0; shift = 0; } } return { h1, k1, shift, length: s.length }; }
function bucket(f, key, total) {
  let h1 = f.h1, k1 = f.k1, shift = f.shift; const n = key.length; let i = 0;
  for (; shift !== 0 && i < n; i++) { k1 |= key.charCodeAt(i) << shift; if ((shift += 8) === 32) { h1 = mix(h1, k1); k1 = 0; shift = 0; } }
  for (; i + 4 <= n; i += 4) h1 = mix(h1, key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) | (key.charCodeAt(i + 3) << 24));
  for (; i < n; i++) { k1 |= key.charCodeAt(i) << shift; shift += 8; }
  if (shift > 0) { k1 = Math.imul(k1, C1); k1 = (k1 << 15) | (k1 >>> 17); k1 = Math.imul(k1, C2); h1 ^= k1; }
  h1 ^= f.length + n; h1 ^= h1 >>> 16; h1 = Math.imul(h1, 0x85ebca6b); h1 ^= h1 >>> 13; h1 = Math.imul(h1, 0xc2b2ae35); h1 ^= h1 >>> 16;
  return Math.floor(((h1 >>> 0) * total) / 4294967296);
}
/** M*2^34 + m*2^17 + p for a plain "M.m.p", else -1 */
function versionKey(s) {
  let key = 0, value = 0, digits = 0, part = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) { if (digits === 1 && value === 0) return -1; value = value * 10 + (c - 48); if (++digits > 5) return -1; }
    else if (c === 46 && digits > 0 && part < 2) { key = key * 131072 + value; part++; value = 0; digits = 0; }
    else return -1;
  }
  return part === 2 && digits > 0 ? key * 131072 + value : -1;
}
const res = (value) => Object.freeze({ value });
export function compileFlagSet(doc) {
  const byKey = new Map(); const list = [];
  for (const [key, d] of Object.entries(doc.flags)) {
    const v = d.variants; let f;
    if (!d.targeting) f = { fixed: res(v[d.defaultVariant]) };
    else {
      const c = d.targeting.if; const [r1, o1, r2, o2, r3, o3, split] = c;
      if (c.length !== 7 || !r1.and || !r2.ends_with || r3.sem_ver?.[1] !== '>=' || !split.fractional) throw new Error(`flag ${key}: not the bench workload's shape`);
      const [inT, eqT] = r1.and; const sv = r3.sem_ver[2].split('.').map(Number);
      const cuts = []; const outs = []; let total = 0;
      for (const [name, w] of split.fractional) { total += w; cuts.push(total); outs.push(res(v[name])); }
      f = { fixed: null, inAttr: inT.in[0].var, inList: inT.in[1], eqAttr: eqT['=='][0].var, eqVal: eqT['=='][1], r1: res(v[o1]),
        ewAttr: r2.ends_with[0].var, ewLit: r2.ends_with[1], r2: res(v[o2]), svAttr: r3.sem_ver[0].var, svKey: sv[0] * 2 ** 34 + sv[1] * 131072 + sv[2], r3: res(v[o3]),
        ...prefixOf(key), total, cuts, outs, def: res(v[d.defaultVariant]) };
    }
    byKey.set(key, f); list.push(f);
  }
  return { byKey, list };
}
function run(f, ctx) {
  if (f.fixed !== null) return f.fixed;
  if (f.inList.includes(ctx[f.inAttr]) && ctx[f.eqAttr] === f.eqVal) return f.r1;
  const e = ctx[f.ewAttr]; if (typeof e === 'string' && e.endsWith(f.ewLit)) return f.r2;
  const s = ctx[f.svAttr]; if (typeof s === 'string') { const k = versionKey(s); if (k >= 0 && k >= f.svKey) return f.r3; }
  const tk = ctx.targetingKey; if (typeof tk !== 'string') return f.def;
  const b = bucket(f, tk, f.total); const cuts = f.cuts;
  for (let i = 0; i < cuts.length; i++) if (cuts[i] > b) return f.outs[i];
  return f.def;
}
export const evaluateFlag = (set, key, ctx) => run(set.byKey.get(key), ctx);
export function evaluateAll(set, ctx) { const l = set.list; const out = new Array(l.length); for (let i = 0; i < l.length; i++) out[i] = run(l[i], ctx); return out; }
