// Translates the engine-neutral bench workload into a flag set in Curtain's format (plain flagd JSON):
// rules become an `if` chain, the rollout a `fractional` on flagKey + targetingKey.

export function toCurtainFlagSet(w) {
  const flags = {};
  for (const f of w.flags) {
    if (f.simple) {
      flags[f.key] = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: f.enabled ? 'on' : 'off' };
      continue;
    }
    const isBool = f.type === 'boolean';
    const variants = isBool
      ? { on: true, off: false }
      : Object.fromEntries(['control', 'beta', 'internal', 'modern', 'treatment-a', 'treatment-b'].map((v) => [v, v]));
    const name = (v) => (isBool ? (v ? 'on' : 'off') : v);
    const cond = (c) => {
      const v = { var: c.attr };
      if (c.op === 'in') return { in: [v, c.values] };
      if (c.op === 'eq') return { '==': [v, c.value] };
      if (c.op === 'endsWith') return { ends_with: [v, c.value] };
      if (c.op === 'semverGte') return { sem_ver: [v, '>=', c.value] };
      throw new Error(`unknown op ${c.op}`);
    };
    const chain = [];
    for (const r of f.rules) chain.push(r.all.length === 1 ? cond(r.all[0]) : { and: r.all.map(cond) }, name(r.serve));
    const pin = f.rollout.percentage;
    const total = f.rollout.split.reduce((s, x) => s + x.weight, 0);
    const buckets = f.rollout.split.map((s) => [name(s.value), Math.round((pin * s.weight * 100) / total)]);
    buckets.push([name(f.default), (100 - pin) * 100]);
    chain.push({ fractional: buckets });
    flags[f.key] = { state: 'ENABLED', variants, defaultVariant: name(f.default), targeting: { if: chain } };
  }
  return { $schema: 'https://curtain.dev/schema/v1/flags.json', flags };
}
