// The Atom feed (RFC 4287) of an environment's releases: one entry per release with its notes, state and dates,
// whose <updated> moves as the release does (a step, a pause, its end).
import { murmur3 } from '../engine';
import type { EnvironmentRow, ProjectRow, ReleaseRow } from '../store/db';
import { renderNotes } from '../store/release-notes';
import { releaseTimeline, type ReleaseTimeline } from '../store/release-timeline';
import { releaseView } from '../store/releases';

/** Entries in a feed: the releases that changed last. */
export const FEED_ENTRIES = 50;

// XML 1.0 allows no control characters but tab, line feed and carriage return, nor lone surrogates or U+FFFE/U+FFFF
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const xml = (s: string) => s.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).replace('T', ' ').slice(0, 16) + ' UTC';

const LABELS = { draft: 'Draft', scheduled: 'Scheduled', rolling_out: 'Rolling out', paused: 'Paused', released: 'Released', rolled_back: 'Rolled back' } as const;

/** One line saying where the release stands, in the words of the people who plan releases. */
function statusLine(row: ReleaseRow, t: ReleaseTimeline, now: number): string {
  const v = releaseView(row, now);
  switch (t.state) {
    case 'scheduled':
      return `Scheduled to start ${day(t.startAt!)}`;
    case 'rolling_out':
      return `Rolling out: ${v.status.percent} % of users (step ${(v.status.step ?? 0) + 1} of ${row.steps.length})` + (v.status.nextStepAt ? `, next step ${day(Date.parse(v.status.nextStepAt))}` : '');
    case 'paused':
      return `Paused at ${v.status.percent} % of users` + (t.pausedAt !== null ? ` since ${day(t.pausedAt)}` : '');
    case 'released':
      return 'Released to everyone' + (t.endAt !== null ? ` on ${day(t.endAt)}` : '');
    case 'rolled_back':
      return (row.killed ? 'Killed' : 'Rolled back') + (t.endAt !== null ? ` on ${day(t.endAt)}` : '');
    default:
      return LABELS[t.state];
  }
}

function entry(row: ReleaseRow, t: ReleaseTimeline, now: number): string {
  const status = statusLine(row, t, now);
  const plan = t.steps.map((s) => `<li>${s.percent} %${s.startsAt !== null ? ` from ${day(s.startsAt)}` : ''}</li>`).join('');
  const html = `<p><strong>${xml(status)}</strong></p><ol>${plan}</ol>${renderNotes(row.notes)}`;
  return [
    '<entry>',
    `<id>urn:curtain:release:${row.id}</id>`,
    `<title>${xml(row.name)}</title>`,
    `<updated>${iso(t.changedAt)}</updated>`,
    `<published>${iso(row.startedAt ?? row.createdAt)}</published>`,
    // the feed names its author; an entry names the release's owner when it has one
    row.owner ? `<author><name>${xml(row.owner)}</name></author>` : '',
    `<category scheme="urn:curtain:release-state" term="${t.state}" label="${LABELS[t.state]}"/>`,
    `<summary type="text">${xml(status)}</summary>`,
    `<content type="html">${xml(html)}</content>`,
    '</entry>',
  ].join('');
}

/** The feed's text and an ETag of it. `rows`: the environment's releases (drafts are left out here). */
export function atomFeed(project: ProjectRow, env: EnvironmentRow, rows: ReleaseRow[], now: number): { text: string; etag: string } {
  const items = rows
    .filter((r) => r.state !== 'draft')
    .map((row) => ({ row, t: releaseTimeline(row, now) }))
    .sort((a, b) => b.t.changedAt - a.t.changedAt || (a.row.key < b.row.key ? -1 : 1))
    .slice(0, FEED_ENTRIES);
  const updated = items.length ? items[0].t.changedAt : env.createdAt;
  const text = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>urn:curtain:releases:${env.id}</id>`,
    `<title>${xml(`${project.name} · ${env.name}: releases`)}</title>`,
    `<subtitle>${xml(`What is released in ${env.name}, step by step`)}</subtitle>`,
    `<updated>${iso(updated)}</updated>`,
    '<author><name>Curtain</name></author>',
    '<generator>Curtain</generator>',
    ...items.map(({ row, t }) => entry(row, t, now)),
    '</feed>',
  ].join('\n');
  const h = (seed: number) => (murmur3(text, seed) >>> 0).toString(16).padStart(8, '0');
  return { text, etag: `"${h(0x9747b28c)}${h(0x1b873593)}"` };
}
