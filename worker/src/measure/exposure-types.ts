// What the edge reports about evaluations: counts per flag, variant, side and minute; distinct users per release side.

/** Inside or outside the release that decides a flag; null for a flag no release decides. */
export type Side = 'inside' | 'outside';

export interface ExposureCount {
  flag: string;
  /** the variant served; `(none)` when the flag has no default variant, `(error)` for evaluation errors */
  variant: string;
  side: Side | null;
  /** the minute (ms since the epoch, a multiple of 60,000) */
  minute: number;
  count: number;
}

/**
 * The users of a release a sketch counts: by the variant served (`inside`, `outside`: the release view), and of those
 * only the ones the release itself bucketed (`-random`: reason SPLIT, not the flag's own rules such as testers always
 * in), which the sample-ratio check and the sequential tests compare.
 */
export type UserSet = Side | 'inside-random' | 'outside-random';

/** The registers of a HyperLogLog sketch (measure/hyperloglog.ts) of the users a release side reached in one minute. */
export interface ReleaseUsers {
  release: string;
  side: UserSet;
  minute: number;
  registers: Uint8Array;
}

/** One flush of one environment's counts. */
export interface ExposureBatch {
  environmentId: string;
  counts: ExposureCount[];
  users: ReleaseUsers[];
  /** users served a release's inside variant, as keyed tokens (servedToken): what lets their feedback count */
  served: { release: string; tokens: string[] }[];
  /** evaluations per minute of each release's flags, and of the whole environment (release ''): the no-traffic check's */
  traffic: { release: string; minute: number; count: number }[];
}

/** A flag's counts per minute, as GET …/flags/{flag}/exposures answers them. */
export interface ExposureMinute {
  at: string;
  variants: Record<string, { count: number; inside?: number; outside?: number }>;
}

export interface FlagUsage {
  lastEvaluatedAt: string | null;
  evaluations24h: number;
}

/** Where exposures go and are read back from (edge/exposures/exposure-store.ts picks the backend). */
export interface ExposureStore {
  /** Records a batch; answers what it could not take yet (sent with the next flush), or null. */
  write(batch: ExposureBatch): Promise<ExposureBatch | null>;
  minutes(environmentId: string, flag: string, from: number, to: number): Promise<ExposureMinute[]>;
  usage(environmentId: string, flags: string[], now: number): Promise<Record<string, FlagUsage>>;
}

export const MINUTE = 60_000;
export const minuteOf = (ms: number) => ms - (ms % MINUTE);

/** Folds count rows into the API's minutes (sorted), each variant's count split by side where a release decides it. */
export function foldMinutes(rows: { minute: number; variant: string; side: string | null; count: number }[]): ExposureMinute[] {
  const byMinute = new Map<number, ExposureMinute['variants']>();
  for (const r of rows) {
    let variants = byMinute.get(r.minute);
    if (!variants) byMinute.set(r.minute, (variants = {}));
    const v = (variants[r.variant] ??= { count: 0 });
    v.count += r.count;
    if (r.side === 'inside' || r.side === 'outside') v[r.side] = (v[r.side] ?? 0) + r.count;
  }
  return [...byMinute.entries()].sort((a, b) => a[0] - b[0]).map(([minute, variants]) => ({ at: new Date(minute).toISOString(), variants }));
}

/**
 * A user's token in a release's record of who was served inside: a 53-bit hash keyed by the release's salt (which
 * never leaves the server), so that the record holds no user's key and a made-up user cannot be matched to it.
 */
export function servedToken(murmur: (text: string, seed: number) => number, salt: string, id: string): string {
  const text = `${salt}\u0001${id}`;
  return (murmur(text, 0x2545f491) * 2 ** 21 + (murmur(text, 0x9e3779b9) >>> 11)).toString(36);
}
