import { describe, expect, it } from 'vitest';
import { cleanText, cleanTitle, deriveTitle } from './text.js';

describe('deriveTitle', () => {
  it('takes the first sentence without its final full stop', () => {
    expect(deriveTitle('My VPN drops every few minutes. It started after the update.')).toBe(
      'My VPN drops every few minutes',
    );
  });

  it('takes the first non-empty line', () => {
    expect(deriveTitle('\n\n  Outlook keeps asking for my password  \nsince Monday')).toBe(
      'Outlook keeps asking for my password',
    );
  });

  it('drops a leading greeting', () => {
    expect(deriveTitle('hi team, The printer on floor 2 is jammed')).toBe('The printer on floor 2 is jammed');
  });

  it('keeps the requester’s casing: no "Vpn" from "vpn", no "IPhone" from "iPhone"', () => {
    expect(deriveTitle('VPN drops every few minutes')).toBe('VPN drops every few minutes');
    expect(deriveTitle('vpn drops every few minutes')).toBe('vpn drops every few minutes');
    expect(deriveTitle('hello, iPhone mail stopped syncing')).toBe('iPhone mail stopped syncing');
    expect(deriveTitle('eduroam will not connect on my laptop')).toBe('eduroam will not connect on my laptop');
  });

  it('joins a very short first sentence with the next one', () => {
    expect(deriveTitle('Help! My laptop will not boot. Please call me.')).toBe('Help! My laptop will not boot');
  });

  it('does not cut at dots inside words or versions', () => {
    expect(deriveTitle('Excel v16.2 crashes on example.com files')).toBe('Excel v16.2 crashes on example.com files');
  });

  it('cuts a long sentence at a word to at most 120 characters, with an ellipsis', () => {
    const title = deriveTitle(`${'word '.repeat(60)}end`);
    expect(title.length).toBeLessThanOrEqual(120);
    expect(title.endsWith('word…')).toBe(true);
  });
});

describe('cleanText', () => {
  it('trims, unifies line breaks and reports a cut', () => {
    expect(cleanText('  a\r\nb  \r\n\r\n\r\nc ', 100)).toEqual({ text: 'a\nb\n\nc', truncated: false });
    expect(cleanText('abcdef', 3)).toEqual({ text: 'abc', truncated: true });
  });
});

describe('cleanTitle', () => {
  it('keeps one line and cuts to 120 characters', () => {
    expect(cleanTitle('  New\n title ')).toEqual({ text: 'New title', truncated: false });
    const long = cleanTitle('x'.repeat(200));
    expect(long.truncated).toBe(true);
    expect(long.text.length).toBe(120);
  });
});
