import { describe, expect, it } from 'vitest';
import { excerpt } from './excerpt';

describe('excerpt', () => {
  it('takes the first paragraph of prose, without markdown, skipping headings and lists', () => {
    const md =
      '## Before you start\n\n- a list\n- of steps\n\nThe **VPN** lets you reach [the intranet](https://x) from `home`.\nIt is quick.\n\nMore.';
    expect(excerpt(md)).toBe('The VPN lets you reach the intranet from home. It is quick.');
  });

  it('cuts long text at a word and marks the cut', () => {
    const md = 'one two three four five six seven eight nine ten';
    expect(excerpt(md, 20)).toBe('one two three four…');
    expect(excerpt(md, 100)).toBe(md);
  });

  it('is empty for an article with no prose paragraph', () => {
    expect(excerpt('# Title\n\n1. step')).toBe('');
  });
});
