// The selected environment kept live: its change stream reloads the workspace when others edit it, and
// the newest version is followed out to the edge after every change.
import type { Api } from '../api';
import { ChangeStream } from './change-stream.svelte';
import { Propagation } from './propagation.svelte';
import type { Workspace } from './workspace.svelte';

export class LiveEnvironment {
  readonly propagation: Propagation;
  readonly stream: ChangeStream;

  #unsubscribe: (() => void) | null = null;

  constructor(
    api: Api,
    private readonly workspace: Workspace,
    readonly project: string,
    readonly env: string
  ) {
    this.propagation = new Propagation(api, project, env);
    this.stream = new ChangeStream(api, project, env, (version) => this.changed(version));
  }

  start() {
    void this.propagation.load();
    this.stream.start();
    // our own edits: follow them even when the stream is down
    this.#unsubscribe = this.workspace.onCommit(() => void this.propagation.watch());
  }

  stop() {
    this.stream.stop();
    this.propagation.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  private changed(version: number) {
    const shown = this.workspace.environments.find((e) => e.key === this.env)?.version ?? -1;
    // a release started, paused or ended here moves the environment's version too: the flags carry their releases
    if (this.workspace.projectKey === this.project && version > shown) void this.workspace.refresh();
    const followed = this.propagation.status?.version;
    // the first event only repeats the current version: one look is enough, unless it moved on
    if (followed === undefined) void this.propagation.load();
    else if (version > followed) void this.propagation.watch(version);
  }
}
