// Release notes rendered for the preview: Markdown formatted, raw HTML and unsafe links left as text.
import { describe, expect, it } from 'vitest';
import { renderNotes } from './markdown';

describe('release notes preview', () => {
  it('renders Markdown', async () => {
    expect(await renderNotes('# New checkout\n\n- **one** page\n- [docs](https://example.com/docs)')).toBe(
      '<h1>New checkout</h1>\n<ul>\n<li><strong>one</strong> page</li>\n<li><a href="https://example.com/docs" rel="nofollow noopener noreferrer" target="_blank">docs</a></li>\n</ul>\n'
    );
  });

  it('escapes raw HTML and refuses unsafe links', async () => {
    const html = await renderNotes('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](data:text/html,hi)');
    expect(html).not.toMatch(/<script|<img|href="javascript|href="data/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('[x](javascript:alert(1))');
  });

  it('renders nothing for empty notes', async () => {
    expect(await renderNotes('  \n')).toBe('');
  });
});
