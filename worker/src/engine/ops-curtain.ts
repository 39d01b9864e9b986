// Curtain's operators beyond flagd: segment, prerequisite, regex, before/after, ip_in (see docs/flag-format.md).

import { cidrContains, parseCidr, parseIp, type CidrRange } from './ip';
import { toInstant } from './date-time';
import { checkRegex, MAX_REGEX_INPUT_LENGTH } from './safe-regex';
import { RuleError, truthy, type Fn, type OperatorCompiler } from './rule';
import { regexGrowth, regexSteps } from './regex-backtracking';
import { charge, REGEX_STEP_UNITS } from './budget';

/** Prerequisites nested deeper than this are treated as unmet (cycles are rejected at save). */
const MAX_PREREQUISITE_DEPTH = 32;

const segment: OperatorCompiler = (args, scope) => {
  const name = String(args[0]);
  const fn = scope.segment(name);
  if (!fn) throw new RuleError(`unknown segment "${name}"`);
  // A segment describes the evaluated subject: it always reads the root context.
  return (_d, env) => truthy(fn(env.ctx, env));
};

const prerequisite: OperatorCompiler = (args) => {
  const flag = String(args[0]);
  const wanted = args[1];
  const accepted = Array.isArray(wanted) ? wanted.map(String) : [String(wanted)];
  return (_d, env) => {
    if (env.depth >= MAX_PREREQUISITE_DEPTH) return false;
    const variant = env.variantOf(flag, env);
    return variant !== undefined && accepted.indexOf(variant) !== -1;
  };
};

const regex: OperatorCompiler = (args, scope, compile) => {
  const value = compile(args[0] ?? null, scope);
  const pattern = String(args[1]);
  const flags = typeof args[2] === 'string' ? args[2] : '';
  const problem = checkRegex(pattern, flags);
  if (problem) throw new RuleError(`regex: ${problem}`);
  const re = new RegExp(pattern, flags);
  // a failing match's steps grow with the input as the pattern allows: each match is charged for them first
  const growth = regexGrowth(pattern, flags.includes('i')) ?? { anchored: false, unbounded: 2, counted: 1 };
  return (d, e) => {
    const s = value(d, e);
    if (typeof s !== 'string' || s.length > MAX_REGEX_INPUT_LENGTH) return null;
    charge(e, REGEX_STEP_UNITS * regexSteps(growth, s.length));
    return re.test(s);
  };
};

/** `before` / `after`: two instants, or one compared with the evaluation time. */
function instantTest(test: (a: number, b: number) => boolean): OperatorCompiler {
  return (args, scope, compile) => {
    const [first, second] = args;
    const constant = (v: unknown): number | null | undefined => (v === null || typeof v !== 'object' ? toInstant(v) : undefined);
    const operand = (node: typeof first): Fn => {
      const c = constant(node);
      if (c !== undefined) return () => c;
      const f = compile(node, scope);
      return (d, e) => toInstant(f(d, e));
    };
    const b = operand(args.length > 1 ? second : first);
    const a: Fn = args.length > 1 ? operand(first) : (_d, e) => e.now;
    return (d, e) => {
      const x = a(d, e) as number | null;
      const y = b(d, e) as number | null;
      return x === null || y === null ? null : test(x, y);
    };
  };
}

const ipIn: OperatorCompiler = (args, scope, compile) => {
  const value = compile(args[0] ?? null, scope);
  const list = Array.isArray(args[1]) ? args[1] : [args[1]];
  const ranges: CidrRange[] = list.map((c) => {
    const r = typeof c === 'string' ? parseCidr(c) : null;
    if (!r) throw new RuleError(`ip_in: "${String(c)}" is not an IP address or CIDR range`);
    return r;
  });
  return (d, e) => {
    const ip = parseIp(value(d, e));
    if (!ip) return null;
    for (let i = 0; i < ranges.length; i++) if (cidrContains(ranges[i], ip)) return true;
    return false;
  };
};

export const curtainOperators: Record<string, OperatorCompiler> = {
  segment,
  prerequisite,
  regex,
  before: instantTest((a, b) => a < b),
  after: instantTest((a, b) => a > b),
  ip_in: ipIn,
};
