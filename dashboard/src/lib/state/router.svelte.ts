// Which view the address bar names, and moving between views without a page load (history.pushState).

export type Route =
  | { view: 'flags' }
  | { view: 'flag'; key: string }
  | { view: 'overview' }
  | { view: 'releases' }
  | { view: 'release'; key: string }
  | { view: 'new-release' }
  | { view: 'calendar' }
  | { view: 'deployments' }
  | { view: 'evaluate' }
  | { view: 'shared-rules' }
  | { view: 'history' }
  | { view: 'keys' }
  | { view: 'requests' }
  | { view: 'request'; key: string }
  | { view: 'not-found' };

const SINGLE = ['overview', 'releases', 'new-release', 'calendar', 'deployments', 'evaluate', 'shared-rules', 'history', 'keys', 'requests'] as const;

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'flags')) return { view: 'flags' };
  if (parts.length === 2 && parts[0] === 'flags') return { view: 'flag', key: parts[1] };
  if (parts.length === 2 && parts[0] === 'releases') return { view: 'release', key: parts[1] };
  if (parts.length === 2 && parts[0] === 'requests') return { view: 'request', key: parts[1] };
  const single = SINGLE.find((s) => parts.length === 1 && parts[0] === s);
  if (single) return { view: single };
  return { view: 'not-found' };
}

/** The project and environment a link made now must carry (the workspace's selection, not the address bar's). */
export type Scope = () => { project: string; env: string };

export class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  route = $derived(parseRoute(this.path));
  /** counts navigations, so the view can move focus to its heading after one (not on the first load) */
  navigations = $state(0);

  /** Follows the browser's back and forward buttons; returns the function that stops. */
  listen(): () => void {
    const sync = () => {
      this.path = location.pathname;
      this.search = location.search;
      this.navigations++;
    };
    addEventListener('popstate', sync);
    return () => removeEventListener('popstate', sync);
  }

  /**
   * @param scope the selection links carry: read when a link is made, so a link always names the environment it was
   *   made in (the address bar may still name the one before)
   */
  constructor(private readonly scope: Scope = () => ({ project: '', env: '' })) {}

  /** A path with the selected project and environment in the query, plus `query` (which may name another env). */
  href(path: string, query: Record<string, string> = {}): string {
    const { project, env } = this.scope();
    const params = new URLSearchParams();
    if (project) params.set('project', project);
    if (env) params.set('env', env);
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    const search = params.toString();
    return search ? `${path}?${search}` : path;
  }

  navigate(href: string) {
    const url = new URL(href, location.href);
    history.pushState(null, '', url);
    this.path = url.pathname;
    this.search = url.search;
    this.navigations++;
  }

  /** Rewrites the address (e.g. the selection in its query) without a navigation. */
  replace(href: string) {
    const url = new URL(href, location.href);
    history.replaceState(history.state, '', url);
    this.path = url.pathname;
    this.search = url.search;
  }

  /** onclick for in-app links: a plain click navigates here; a modified click opens a tab as usual. */
  follow = (event: MouseEvent) => {
    const link = (event.currentTarget as HTMLElement).closest('a');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.origin !== location.origin || link.target) return;
    event.preventDefault();
    this.navigate(link.href);
  };

  query(name: string): string {
    return new URLSearchParams(this.search).get(name) ?? '';
  }
}
