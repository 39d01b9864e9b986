// One flag's configuration in one environment while it is edited: state, default variant and the rule builder's
// model, what stops a save, and the API's validation issues placed by JSON pointer.
import { ApiError, ChangeRequestHeld, type ApiIssue, type ChangeRequest, type Flag, type FlagEnvironmentConfig, type FlagEnvironmentPatch, type FlagState, type JsonValue, type WriteOptions } from '../api';
import { conditionProblems } from '../rules/conditions';
import { sameJson } from '../rules/json';
import { relativeTo } from '../rules/pointers';
import { splitProblem } from '../rules/split';
import { parseTargeting, targetingToJson, type Outcome, type Targeting } from '../rules/targeting';
import { JsonProblems } from './editor-context.svelte';
import { owningRelease } from '../flags/release-status';
import { DormantGuard } from './guarded.svelte';
import { ReleaseGuard } from './release-guard.svelte';
import { messageOf } from './workspace.svelte';

function outcomes(t: Targeting): Outcome[] {
  if (t.form === 'bare') return [t.outcome];
  if (t.form === 'if') return [...t.rules.map((r) => r.outcome), ...(t.otherwise ? [t.otherwise] : [])];
  return [];
}

export class TargetingDraft {
  readonly flagKey: string = '';
  /** the configuration as last loaded or saved */
  saved: FlagEnvironmentConfig = $state({ state: 'DISABLED', defaultVariant: null, targeting: null });
  state = $state<FlagState>('DISABLED');
  defaultVariant = $state<string | null>(null);
  targeting = $state<Targeting>({ form: 'none', empty: null });
  /** JSON parts whose text does not parse yet: they block a save */
  readonly unparsed = new JsonProblems();
  saving = $state(false);
  error = $state<ApiError | Error | null>(null);
  savedAt = $state<Date | null>(null);
  /** the change request the last save opened (a protected environment held it for review): nothing changed yet */
  held = $state<ChangeRequest | null>(null);
  /** grows with every reset, so editors holding their own text (JSON) start again */
  revision = $state(0);
  /** the save was refused because someone else changed the flag since it was loaded (412, or 409 CONFLICT) */
  conflict = $state(false);
  /** the configuration someone else saved while this draft had unsaved edits */
  changedElsewhere = $state<FlagEnvironmentConfig | null>(null);
  /** a switch-on the dormant-code guard refused, waiting for "go ahead anyway" */
  readonly guard = new DormantGuard();
  /** a change of the switch or default variant that a running release owns, waiting for its ways forward */
  readonly releaseGuard = new ReleaseGuard();

  json = $derived(targetingToJson(this.targeting));
  /** the engine's issues about this flag's targeting, relative to it (`/if/0/in/1`) */
  issues = $derived(this.error instanceof ApiError ? relativeTo(this.error.issues, `/flags/${this.flagKey}/targeting`) : []);
  defaultVariantIssues = $derived(this.error instanceof ApiError ? relativeTo(this.error.issues, `/flags/${this.flagKey}/defaultVariant`) : []);
  /** what must be fixed before saving, in words */
  problems = $derived.by(() => {
    const t = this.targeting;
    const conditions = t.form === 'if' ? t.rules.flatMap((r) => r.match.conditions) : [];
    return [
      ...new Set([
        ...conditions.flatMap(conditionProblems),
        ...outcomes(t).flatMap((o) => (o.kind === 'split' ? [splitProblem(o.buckets)].filter((p): p is string => p !== null) : [])),
        ...outcomes(t).flatMap((o) => (o.kind === 'variant' && o.variant === '' ? ['Choose the variant a rule serves.'] : [])),
        ...(this.unparsed.count > 0 ? ['Fix the JSON that does not parse.'] : [])
      ])
    ];
  });
  dirty = $derived(
    this.state !== this.saved.state || this.defaultVariant !== this.saved.defaultVariant || !sameJson(this.json, this.saved.targeting ?? null)
  );

  /** whether this save changes what a release that owns the flag decides: its switch or default variant */
  ownedChange = $derived(!!owningRelease(this.saved) && (this.state !== this.saved.state || this.defaultVariant !== this.saved.defaultVariant));

  constructor(flagKey: string, config: FlagEnvironmentConfig, readonly env = '', readonly envName = '') {
    this.flagKey = flagKey;
    this.reset(config);
  }

  reset(config: FlagEnvironmentConfig) {
    this.saved = config;
    this.state = config.state;
    this.defaultVariant = config.defaultVariant;
    this.targeting = parseTargeting(config.targeting);
    this.unparsed.byPart = {};
    this.error = null;
    this.conflict = false;
    this.changedElsewhere = null;
    this.revision++;
  }

  /** Someone else saved `config`: shown at once when nothing is being edited, else kept for the person to choose. */
  changed(config: FlagEnvironmentConfig) {
    const same = config.state === this.saved.state && config.defaultVariant === this.saved.defaultVariant && sameJson(config.targeting ?? null, this.saved.targeting ?? null);
    if (same || this.saving) return;
    if (this.dirty) this.changedElsewhere = config;
    else this.reset(config);
  }

  /** The whole targeting replaced from JSON (the advanced editor). */
  replaceJson(json: JsonValue) {
    this.targeting = parseTargeting(json);
  }

  /**
   * Saves the whole configuration. A switch-on the dormant-code guard refuses waits in `guard`; a save someone else's
   * change overtook sets `conflict` (then `{ overwrite: true }` saves over it).
   */
  async save(commit: (patch: FlagEnvironmentPatch, options: WriteOptions) => Promise<Flag>, env: string, options: WriteOptions = {}) {
    if (this.problems.length > 0) return;
    // a change made elsewhere since these edits began: say so rather than save over it (the server's If-Match check
    // covers the changes this page has not seen yet)
    if (this.changedElsewhere && !options.overwrite) {
      this.conflict = true;
      return;
    }
    const held = { flag: this.flagKey, env: this.env, envName: this.envName, change: 'save these changes' };
    const ending = (releaseAction: 'rollback' | 'kill') => this.save(commit, env, { ...options, releaseAction });
    // never sent alone: the release that owns the flag decides its switch and default variant
    const owner = owningRelease(this.saved);
    if (owner && this.ownedChange && !options.releaseAction) {
      this.releaseGuard.hold({ ...held, release: owner }, ending);
      return;
    }
    this.saving = true;
    this.error = null;
    this.held = null;
    this.conflict = false;
    try {
      const targeting = this.json;
      const flag = await commit({ state: this.state, defaultVariant: this.defaultVariant, targeting: sameJson(targeting, {}) ? null : targeting }, options);
      this.reset(flag.environments[env]);
      this.savedAt = new Date();
    } catch (error) {
      if (error instanceof ChangeRequestHeld) {
        this.held = error.changeRequest;
        return;
      }
      if (this.guard.refuse(`switching ${this.flagKey} on`, error, () => this.save(commit, env, { ...options, force: true }))) return;
      if (this.releaseGuard.refuse(held, error, ending)) return;
      this.conflict = error instanceof ApiError && error.conflict;
      this.error = error instanceof Error ? error : new Error(messageOf(error));
    } finally {
      this.saving = false;
    }
  }
}
