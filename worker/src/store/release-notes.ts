// Release notes from Markdown to HTML that is safe to put in a page: rendered when a snapshot is built, never per request.
import markdownIt, { type MarkdownIt } from 'markdown-it';

/** Link targets kept: the web, mail, and relative URLs; anything else (javascript:, data:, vbscript:, file:, …) is left as text. */
const SAFE_URL = /^(?:https?:|mailto:|[^:]*$|[^:]*[/?#])/i;

let renderer: MarkdownIt | undefined;

/**
 * CommonMark with raw HTML escaped by construction (`html: false`: a `<script>` in the notes is shown as text),
 * no autolinking of bare URLs, and links that open without handing the page to the target.
 */
function markdown(): MarkdownIt {
  if (renderer) return renderer;
  const md = markdownIt('commonmark', { html: false, linkify: false, typographer: false });
  md.enable(['table', 'strikethrough']);
  md.validateLink = (url) => SAFE_URL.test(url.trim());
  const linkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx].attrSet('rel', 'nofollow noopener noreferrer');
    return linkOpen(tokens, idx, options, env, self);
  };
  return (renderer = md);
}

/** The last notes rendered, by their Markdown: a snapshot is rebuilt on every write, and notes rarely change. */
const rendered = new Map<string, string>();
const KEEP = 256;

export function renderNotes(notes: string): string {
  if (notes === '') return '';
  const known = rendered.get(notes);
  if (known !== undefined) return known;
  const html = markdown().render(notes);
  if (rendered.size >= KEEP) rendered.delete(rendered.keys().next().value as string);
  rendered.set(notes, html);
  return html;
}
