// Promoting a flag's configuration from one environment to another: the choice (on/off copied only when asked for this
// promotion), what changes in the target, and the write — through the dormant-code guard, and never behind the back
// of a release that owns the flag there.
import { ApiError, ChangeRequestHeld, type Environment, type Flag, type FlagEnvironmentPatch, type WriteOptions } from '../api';
import { configIn, promotionPatch } from '../flags/promotion';
import { owningRelease } from '../flags/release-status';
import { DormantGuard } from './guarded.svelte';
import { ReleaseGuard } from './release-guard.svelte';
import { messageOf } from './workspace.svelte';

export class Promotion {
  from = $state('');
  to = $state('');
  /** asked for this promotion only: unticked whenever the environments change and after each promotion */
  withState = $state(false);
  pending = $state(false);
  error = $state<ApiError | Error | null>(null);
  done = $state<string | null>(null);
  readonly guard = new DormantGuard();
  readonly releaseGuard = new ReleaseGuard();

  constructor(
    private readonly flag: () => Flag,
    private readonly environments: () => Environment[],
    selected: string,
    private readonly write: (to: string, patch: FlagEnvironmentPatch, options: WriteOptions) => Promise<Flag>
  ) {
    const envs = environments();
    this.from = selected;
    this.to = envs[envs.findIndex((e) => e.key === selected) + 1]?.key ?? envs.find((e) => e.key !== selected)?.key ?? '';
  }

  nameOf = (key: string) => this.environments().find((e) => e.key === key)?.name ?? key;
  get target() { return this.environments().find((e) => e.key === this.to); }
  get before() { return configIn(this.flag(), this.to); }
  get after() { return { ...this.before, ...promotionPatch(this.flag(), this.from, this.withState) }; }
  get changed() { return this.from !== this.to && JSON.stringify(this.before) !== JSON.stringify(this.after); }

  /** Another source or target: what was asked for the last one is not carried over. */
  choose() {
    this.done = null;
    this.withState = false;
  }

  async promote(options: WriteOptions = {}) {
    this.pending = true;
    this.error = null;
    this.done = null;
    const flag = this.flag();
    const into = this.to;
    const patch = promotionPatch(flag, this.from, this.withState);
    const { before, after } = this;
    const held = { flag: flag.key, env: into, envName: this.nameOf(into), change: `promote ${flag.key} into it` };
    const save = (more: WriteOptions) => this.guard.run(`switching ${flag.key} on in ${this.nameOf(into)}`, (force) => this.write(into, patch, { ...options, ...more, force }));
    const finished = (ok: boolean) => {
      if (!ok) return;
      this.done = `Promoted to ${this.nameOf(into)}.`;
      this.withState = false;
    };
    const ending = async (releaseAction: 'rollback' | 'kill') => finished(await save({ releaseAction }));
    try {
      const owner = owningRelease(flag.environments[into]);
      if (owner && (before.state !== after.state || before.defaultVariant !== after.defaultVariant) && !options.releaseAction) this.releaseGuard.hold({ ...held, release: owner }, ending);
      else finished(await save({}));
    } catch (e) {
      if (e instanceof ChangeRequestHeld) {
        this.done = e.message;
        throw e;
      }
      if (!this.releaseGuard.refuse(held, e, ending)) this.error = e instanceof Error ? e : new Error(messageOf(e));
    } finally {
      this.pending = false;
    }
  }
}
