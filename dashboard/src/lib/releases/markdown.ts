// Release notes from Markdown to HTML safe to put in the page, for the preview. markdown-it is loaded the first time a
// preview is shown (not part of the initial bundle), configured as the server renders notes for announcing: CommonMark,
// raw HTML escaped by construction (`html: false`), links only to the web, mail or relative addresses.
import type { MarkdownIt } from 'markdown-it';

/** Link targets kept: http(s), mailto and relative URLs; javascript:, data:, vbscript:, file: and others stay text. */
const SAFE_URL = /^(?:https?:|mailto:|[^:]*$|[^:]*[/?#])/i;

let renderer: Promise<MarkdownIt> | undefined;

function load(): Promise<MarkdownIt> {
  return (renderer ??= import('markdown-it').then(({ default: Markdown }) => {
    const md = new Markdown('commonmark', { html: false, linkify: false, typographer: false });
    md.enable(['table', 'strikethrough']);
    md.validateLink = (url) => SAFE_URL.test(url.trim());
    const open = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
    md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
      tokens[idx].attrSet('rel', 'nofollow noopener noreferrer');
      tokens[idx].attrSet('target', '_blank');
      return open(tokens, idx, options, env, self);
    };
    return md;
  }));
}

export async function renderNotes(markdown: string): Promise<string> {
  if (markdown.trim() === '') return '';
  return (await load()).render(markdown);
}
