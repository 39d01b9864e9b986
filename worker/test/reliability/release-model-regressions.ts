// Counterexamples the model-based test (release-model.test.ts) has found, each kept as a named sequence that runs on
// every test run: once fixed, they stay fixed.
import type { AsyncCommand } from 'fast-check';
import type { Builders } from './release-model.test';

type Cmds = (b: Builders) => AsyncCommand<any, any, boolean>[];

export const modelRegressions: { name: string; commands: Cmds }[] = [
  {
    // the edge took the newest release by its start: a rolled-back one scheduled later hid the one running
    name: 'a release started after an ended one that was scheduled later still decides its flag',
    commands: (b) => [
      b.createFlag({ key: 'b', color: false }),
      b.createRelease({ n: 1, e: 'development', keys: ['a', 'b'], steps: 0, startIn: 15, start: true }),
      b.deleteFlag({ key: 'b', action: 'rollback' }),
      b.createRelease({ n: 3, e: 'development', keys: ['a'], steps: 0, startIn: 0 }),
      b.releaseAction({ n: 0, action: 'start', force: false, ack: true, steps: 0 }),
    ],
  },
  {
    // the import ended the release, then wrote back the other flag's config from the file, undoing the kill for it
    name: 'a push that kills a release keeps the kill for the release’s other flags',
    commands: (b) => [
      b.createFlag({ key: 'b', color: false }),
      b.createRelease({ n: 1, e: 'production', keys: ['b', 'c'], steps: 0, startIn: 0, start: true }),
      b.push({ e: 'production', key: 'c', what: 'off', pick: 0, action: 'kill', force: false }),
    ],
  },
];
