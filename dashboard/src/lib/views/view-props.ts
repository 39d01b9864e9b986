// What every view the router opens is given (CurrentView opens them all the same way).
import type { Api } from '../api';
import type { Router } from '../state/router.svelte';
import type { Workspace } from '../state/workspace.svelte';

export interface ViewProps {
  api: Api;
  workspace: Workspace;
  router: Router;
  /** the key the address names (a flag's, a release's), '' for views without one */
  routeKey: string;
}
