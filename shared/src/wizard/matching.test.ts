import { describe, expect, it } from 'vitest';
import { matchChoice, normalize } from './matching.js';
import { isGreeting, textCommand } from './phrases.js';

const colours = [
  { value: 'red', label: 'Bright red' },
  { value: 'green', label: 'Forest green' },
  { value: 'grey', label: 'Slate grey' },
];

describe('normalize', () => {
  it('lower-cases, drops apostrophes and turns punctuation and emoji into single spaces', () => {
    expect(normalize("  I CAN'T   work!!! 😩 ")).toBe('i cant work');
    expect(normalize('Network & Wi-Fi')).toBe('network wi fi');
    expect(normalize('it’s slow')).toBe('its slow');
  });
});

describe('matchChoice', () => {
  it('matches a value or a label whatever the case and punctuation', () => {
    expect(matchChoice('RED', colours)).toEqual({ kind: 'match', value: 'red' });
    expect(matchChoice('forest green!', colours)).toEqual({ kind: 'match', value: 'green' });
  });

  it('reads a number as the position of a choice, and a number out of range as nothing', () => {
    expect(matchChoice('2', colours)).toEqual({ kind: 'match', value: 'green' });
    expect(matchChoice('#3', colours)).toEqual({ kind: 'match', value: 'grey' });
    expect(matchChoice('4', colours)).toEqual({ kind: 'none' });
    expect(matchChoice('0', colours)).toEqual({ kind: 'none' });
  });

  it('ignores numbers when told to', () => {
    expect(matchChoice('2', colours, { numbers: false })).toEqual({ kind: 'none' });
  });

  it('accepts a unique prefix and reports a shared prefix as ambiguous', () => {
    expect(matchChoice('bri', colours)).toEqual({ kind: 'match', value: 'red' });
    expect(matchChoice('gr', colours)).toEqual({ kind: 'ambiguous', values: ['green', 'grey'] });
  });

  it('needs two characters before a prefix counts', () => {
    expect(matchChoice('b', colours)).toEqual({ kind: 'none' });
  });

  it('finds the words of a label inside it', () => {
    expect(matchChoice('slate', colours)).toEqual({ kind: 'match', value: 'grey' });
  });

  it('finds a synonym inside a sentence, as whole words only', () => {
    const synonyms = { red: ['tomato'], green: ['grass'] };
    expect(matchChoice('like a tomato please', colours, { synonyms })).toEqual({ kind: 'match', value: 'red' });
    expect(matchChoice('tomatoes', colours, { synonyms })).toEqual({ kind: 'none' });
  });

  it('lets a longer phrase win over a phrase inside it ("not solved" is not "solved")', () => {
    const choices = [
      { value: 'yes', label: 'Solved' },
      { value: 'no', label: 'Still broken' },
    ];
    const synonyms = { yes: ['solved', 'fixed'], no: ['not solved', 'not fixed'] };
    expect(matchChoice('it is not solved', choices, { synonyms })).toEqual({ kind: 'match', value: 'no' });
    expect(matchChoice('all fixed now', choices, { synonyms })).toEqual({ kind: 'match', value: 'yes' });
  });

  it('reports synonyms of two choices in one sentence as ambiguous', () => {
    const synonyms = { red: ['tomato'], green: ['grass'] };
    expect(matchChoice('tomato or grass', colours, { synonyms })).toEqual({
      kind: 'ambiguous',
      values: ['red', 'green'],
    });
  });

  it('with partial off, accepts only whole answers', () => {
    const synonyms = { red: ['tomato'] };
    expect(matchChoice('tomato', colours, { synonyms, partial: false })).toEqual({ kind: 'match', value: 'red' });
    expect(matchChoice('a tomato', colours, { synonyms, partial: false })).toEqual({ kind: 'none' });
    expect(matchChoice('bri', colours, { partial: false })).toEqual({ kind: 'none' });
  });

  it('answers nothing for empty, very long or unrelated text, and for no choices', () => {
    expect(matchChoice('   ', colours)).toEqual({ kind: 'none' });
    expect(matchChoice(`red ${'x'.repeat(300)}`, colours)).toEqual({ kind: 'none' });
    expect(matchChoice('purple', colours)).toEqual({ kind: 'none' });
    expect(matchChoice('red', [])).toEqual({ kind: 'none' });
  });
});

describe('greetings and commands', () => {
  it('recognizes a greeting alone, not a greeting followed by a problem', () => {
    expect(isGreeting('Hi!')).toBe(true);
    expect(isGreeting('hello there')).toBe(true);
    expect(isGreeting('Good morning')).toBe(true);
    expect(isGreeting('hey, my vpn is down')).toBe(false);
    expect(isGreeting('history')).toBe(false);
  });

  it('recognizes whole-message navigation commands only', () => {
    expect(textCommand('Back')).toBe('back');
    expect(textCommand('never mind')).toBe('cancel');
    expect(textCommand('Start over!')).toBe('restart');
    expect(textCommand('the back button is broken')).toBeNull();
  });
});
