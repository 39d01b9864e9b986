// What the rule editors below a form share without passing it through every component: the names a rule can
// use (variants, segments, shared rules, flags) and which JSON parts do not parse yet (they block the save).
import { getContext, setContext } from 'svelte';

export interface Vocabulary {
  readonly variants: string[];
  readonly segments: string[];
  readonly evaluators: string[];
  readonly flags: string[];
}

export class JsonProblems {
  byPart = $state<Record<string, string>>({});
  count = $derived(Object.keys(this.byPart).length);

  set(part: string, problem: string | null) {
    if (problem === null) delete this.byPart[part];
    else this.byPart[part] = problem;
  }
}

const VOCABULARY = Symbol('vocabulary');
const JSON_PROBLEMS = Symbol('json-problems');

export const provideVocabulary = (vocabulary: Vocabulary) => setContext(VOCABULARY, vocabulary);
export const vocabulary = (): Vocabulary =>
  getContext<Vocabulary | undefined>(VOCABULARY) ?? { variants: [], segments: [], evaluators: [], flags: [] };

export const provideJsonProblems = (problems: JsonProblems) => setContext(JSON_PROBLEMS, problems);
export const jsonProblems = () => getContext<JsonProblems | undefined>(JSON_PROBLEMS);
