// What's new for one user: the releases the edge serves them, with their notes, newest first — from the snapshot
// alone (no database), evaluated exactly as OFREP evaluates the releases' flags.
import { evaluateFlag, murmur3, releaseJoinedAt } from '../engine';
import type { CompiledFlagSet, EvaluationContext, FlagSetDocument, ReleaseDefinition } from '../engine/types';
import { EtagFold } from './ofrep-results';

/** A release that may be announced, prepared once per snapshot. */
export interface Announcement {
  key: string;
  def: ReleaseDefinition;
  startAt: number;
  /** each flag the release decides, with the variant served inside it */
  flags: readonly (readonly [flag: string, inside: string])[];
  /** every flag of the release is client-visible, so client (browser) keys may see it */
  forClients: boolean;
  /** the entry's JSON text up to its join time, and two hashes of it for the ETag */
  head: string;
  h1: number;
  h2: number;
}

export interface WhatsNewEntry {
  release: Announcement;
  /** when this user's step started (ms) */
  joinedAt: number;
}

const prepared = new WeakMap<FlagSetDocument, { clientVisible: ReadonlySet<string>; list: Announcement[] }>();

/**
 * The releases of a snapshot that can be announced: with notes, neither rolled back nor killed. Made once per
 * snapshot (its document and client-visible set are the key), so a request only evaluates.
 */
export function announcementsOf(doc: FlagSetDocument, clientVisible: ReadonlySet<string>): Announcement[] {
  const known = prepared.get(doc);
  if (known?.clientVisible === clientVisible) return known.list;
  const list: Announcement[] = [];
  for (const [key, def] of Object.entries(doc.releases ?? {})) {
    const startAt = Date.parse(def.startAt);
    if (def.state === 'rolled_back' || def.killed || !def.notes || !Number.isFinite(startAt)) continue;
    const flags = Object.entries(def.flags).map(([flag, v]) => [flag, v.inside] as const);
    const head = JSON.stringify({ key, name: def.name ?? key, notes: def.notes, notesHtml: def.notesHtml ?? '' }).slice(0, -1) + ',"joinedAt":"';
    list.push({ key, def, startAt, flags, forClients: flags.every(([flag]) => clientVisible.has(flag)), head, h1: murmur3(head, 0x9747b28c), h2: murmur3(head, 0x1b873593) });
  }
  prepared.set(doc, { clientVisible, list });
  return list;
}

/**
 * The announcements released to this user at `now`: those whose flags the edge serves them with the inside
 * variant (any of them, for a release of several), once the release has started. `since` (ms) keeps those
 * the user joined after it. Newest first: by join time, then by the release's start, then by key.
 */
export function whatsNewFor(list: readonly Announcement[], set: CompiledFlagSet, kind: 'server' | 'client', context: EvaluationContext, now: number, since?: number): WhatsNewEntry[] {
  const out: WhatsNewEntry[] = [];
  for (const a of list) {
    if ((kind === 'client' && !a.forClients) || now < a.startAt) continue;
    if (!a.flags.some(([flag, inside]) => evaluateFlag(set, flag, context, { now }).variant === inside)) continue;
    // the flag's own rules (testers, say) may serve it before the user's step: then they have had it since the start
    const step = releaseJoinedAt(a.def, context);
    const joinedAt = step !== null && step <= now ? step : a.startAt;
    if (since === undefined || joinedAt > since) out.push({ release: a, joinedAt });
  }
  return out.sort((x, y) => y.joinedAt - x.joinedAt || y.release.startAt - x.release.startAt || (x.release.key < y.release.key ? -1 : 1));
}

/** The response text, `{"releases":[…]}`, and its ETag: a function of the text alone, as for OFREP bulk. */
export function whatsNewBody(entries: readonly WhatsNewEntry[]): { text: string; etag: string } {
  const fold = new EtagFold();
  const parts: string[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const { release, joinedAt } = entries[i];
    const tail = new Date(joinedAt).toISOString() + '"}';
    fold.add(release.h1, release.h2);
    fold.add(murmur3(tail, 0x9747b28c), murmur3(tail, 0x1b873593));
    parts[i] = release.head + tail;
  }
  return { text: '{"releases":[' + parts.join(',') + ']}', etag: fold.etag() };
}
