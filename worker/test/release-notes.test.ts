// Release notes rendered to HTML in workerd (markdown-it runs there): Markdown kept, raw HTML and unsafe links not.
import { describe, expect, it } from 'vitest';
import { renderNotes } from '../src/store/release-notes';

describe('release notes', () => {
  it.each([
    ['headings, emphasis, lists, tables', '## New\n\n**bold** _it_ ~~old~~\n\n- a\n\n| a | b |\n|---|---|\n| 1 | 2 |', ['<h2>New</h2>', '<strong>bold</strong>', '<em>it</em>', '<s>old</s>', '<li>a</li>', '<td>1</td>']],
    ['a web link, with rel', '[docs](https://example.com/a?b=c:d)', ['<a href="https://example.com/a?b=c:d" rel="nofollow noopener noreferrer">docs</a>']],
    ['a mail link and relative links', '[mail](mailto:team@example.com) [page](/help/checkout) [here](#top)', ['href="mailto:team@example.com"', 'href="/help/checkout"', 'href="#top"']],
  ])('keeps %s', (_what, md, expected) => {
    const html = renderNotes(md);
    for (const piece of expected) expect(html).toContain(piece);
  });

  it.each([
    ['a script element', 'hi <script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an element with an event handler', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['an HTML block', '<div style="position:fixed">x</div>', '&lt;div style=&quot;position:fixed&quot;&gt;x&lt;/div&gt;'],
  ])('escapes %s', (_what, md, escaped) => {
    const html = renderNotes(md);
    expect(html).toContain(escaped);
    expect(html).not.toMatch(/<(script|img|div)\b/);
  });

  it.each([
    ['javascript:', '[x](javascript:alert(1))'],
    ['JavaScript: with entities', '[x](jav&#x61;script:alert(1))'],
    ['data:', '[x](data:text/html;base64,PHNjcmlwdD4=)'],
    ['a data: image', '![x](data:image/png;base64,iVBORw0KGgo=)'],
    ['vbscript:', '[x](vbscript:msgbox)'],
    ['an autolink to javascript:', '<javascript:alert(1)>'],
  ])('leaves a %s link as text', (_what, md) => {
    const html = renderNotes(md);
    expect(html).not.toMatch(/<a |<img /);
    expect(html).not.toMatch(/href=|src=/);
  });

  it('renders nothing for no notes, and the same HTML for the same notes', () => {
    expect(renderNotes('')).toBe('');
    expect(renderNotes('*a*')).toBe(renderNotes('*a*'));
  });
});
