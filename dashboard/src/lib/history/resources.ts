// What an audit entry is about, from its resource path (`projects/p/environments/e/flags/x`).

/** The flag an entry is about (`projects/p/flags/x`, `projects/p/environments/e/flags/x`), or null. */
export function flagOf(resource: string): string | null {
  return /\/flags\/([^/]+)$/.exec(resource)?.[1] ?? null;
}

/** The environment an entry is about, or null for project-wide changes. */
export function environmentOf(resource: string): string | null {
  return /\/environments\/([^/]+)/.exec(resource)?.[1] ?? null;
}

/** The release an entry is about (`projects/p/environments/e/releases/r`), or null. */
export function releaseOf(resource: string): string | null {
  return /\/releases\/([^/]+)$/.exec(resource)?.[1] ?? null;
}
