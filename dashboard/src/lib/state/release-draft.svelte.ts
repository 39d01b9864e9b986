// A release being planned or edited: its fields as typed, what stops the save, the API's issues by field, and the
// ReleaseInput it becomes.
import { ApiError, type ApiIssue, type Release, type ReleaseInput } from '../api';
import { guardrailProblem, toGuardrail, toGuardrailDraft, type GuardrailDraft } from '../releases/guardrail-draft';
import type { FlagChoice } from '../releases/choice';
import { keyFrom, PRESETS, stepProblems, toDraft, toSteps, type StepDraft } from '../releases/plan-draft';

export { defaultChoice, type FlagChoice } from '../releases/choice';
import { messageOf } from './workspace.svelte';

export type { GuardrailDraft } from '../releases/guardrail-draft';

/** "2027-03-03T09:00" in the viewer's time zone, as a datetime-local input shows it. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export class ReleaseDraft {
  name = $state('');
  key = $state('');
  /** the key was typed, so it no longer follows the name */
  keyTyped = $state(false);
  owner = $state('');
  flags = $state<FlagChoice[]>([]);
  bucketBy = $state('targetingKey');
  startAt = $state('');
  steps = $state<StepDraft[]>(PRESETS[0].steps.map(toDraft));
  notes = $state('');
  guardrails = $state<GuardrailDraft[]>([]);
  saving = $state(false);
  error = $state<ApiError | Error | null>(null);

  stepProblems = $derived(stepProblems(this.steps));
  problems = $derived([
    ...(this.name.trim() ? [] : ['Give the release a name.']),
    ...(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/.test(this.key) ? [] : ['A key of letters, digits, ".", "_" or "-".']),
    ...(this.flags.length ? [] : ['Choose at least one flag.']),
    ...(this.steps.length ? [] : ['Add at least one step.']),
    ...(this.stepProblems.some((p) => p !== null) ? ['Fix the plan’s steps.'] : []),
    ...(this.startAt && Number.isNaN(Date.parse(this.startAt)) ? ['A start date and time, or none.'] : []),
    ...(this.guardrails.some((g) => guardrailProblem(g) !== null) ? ['Complete each guardrail: a metric, a threshold and a window; or an event and its minimum samples.'] : [])
  ]);

  constructor(release?: Release) {
    if (!release) return;
    this.name = release.name;
    this.key = release.key;
    this.keyTyped = true;
    this.owner = release.owner ?? '';
    this.flags = release.flags.map((f) => ({ ...f }));
    this.bucketBy = release.bucketBy;
    this.startAt = toLocalInput(release.startAt);
    this.steps = release.plan.steps.map(toDraft);
    this.notes = release.notes;
    this.guardrails = release.guardrails.map(toGuardrailDraft);
  }

  setName(name: string) {
    this.name = name;
    if (!this.keyTyped) this.key = keyFrom(name);
  }

  /** The API's issues at `path` or inside it (e.g. `/plan/steps/1`). */
  issuesAt(path: string): ApiIssue[] {
    return this.error instanceof ApiError ? this.error.issues.filter((i) => i.path === path || i.path.startsWith(`${path}/`)) : [];
  }

  input(): ReleaseInput {
    return {
      key: this.key,
      name: this.name.trim(),
      flags: this.flags.map((f) => f.key),
      variants: Object.fromEntries(this.flags.map((f) => [f.key, { inside: f.inside, outside: f.outside }])),
      plan: { steps: toSteps(this.steps) },
      startAt: this.startAt ? new Date(this.startAt).toISOString() : null,
      bucketBy: this.bucketBy.trim() || 'targetingKey',
      notes: this.notes,
      owner: this.owner.trim() || null,
      guardrails: this.guardrails.map(toGuardrail)
    };
  }

  async submit(save: (input: ReleaseInput) => Promise<unknown>): Promise<boolean> {
    if (this.problems.length) return false;
    this.saving = true;
    this.error = null;
    try {
      await save(this.input());
      return true;
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(messageOf(error));
      return false;
    } finally {
      this.saving = false;
    }
  }
}
