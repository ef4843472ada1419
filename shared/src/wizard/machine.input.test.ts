import { describe, expect, it } from 'vitest';
import { next, start } from './machine.js';
import { ZWizardState, type TWizardInput, type TWizardStep } from './schemas.js';
import { at, choice, makeEnv, play, last, summaryWith, text, type TPathStep } from './__tests__/fixtures.js';

/** The step reached from `from` after typing `typed`, with the prompt's error. */
function typeAt(from: TPathStep, typed: string) {
  const { env, result } = at(from);
  const r = next(result.state, text(typed), env);
  return { before: result.state, state: r.state, prompt: r.prompt };
}

describe('describe', () => {
  it('asks for more detail when the text is shorter than 8 characters', () => {
    const r = typeAt('describe', ' vpn!  ');
    expect(r.state.step).toBe('describe');
    expect(r.prompt.error).toMatch(/more detail/);
    expect(r.state.draft.description).toBe('');
  });

  it('accepts 8 characters', () => {
    expect(typeAt('describe', 'wifi off').state.step).toBe('category');
  });

  it('answers a greeting alone by asking what is wrong, without an error', () => {
    const r = typeAt('describe', 'Hi there!');
    expect(r.state.step).toBe('describe');
    expect(r.prompt.error).toBeUndefined();
    expect(r.prompt.notice).toMatch(/what's going wrong/);
  });

  it('cuts a description longer than 4,000 characters and says so', () => {
    const long = `My VPN drops. ${'x'.repeat(5000)}`;
    const r = typeAt('describe', long);
    expect(r.state.step).toBe('suggest');
    expect(r.state.draft.description).toHaveLength(4000);
    expect(r.state.draft.descriptionTruncated).toBe(true);
    expect(r.prompt.notice).toBe('That was long, so I kept the first 4,000 characters.');
  });

  it('does not take a button as a description', () => {
    const r = next(at('describe').result.state, choice('network'), makeEnv());
    expect(r.state.step).toBe('describe');
    expect(r.prompt.error).toBe('Please type your answer.');
  });

  it('asks the classifier and the search once per description', () => {
    const env = makeEnv();
    next(start({}, env).state, text('My VPN drops every few minutes'), env);
    expect(env.calls.classify).toEqual(['My VPN drops every few minutes']);
    expect(env.calls.suggest).toEqual(['My VPN drops every few minutes']);
  });

  it('cuts long article snippets so the state stays valid, and ignores an invalid classification', () => {
    const env = makeEnv();
    env.suggestArticles = () => [{ slug: 'long', title: 'Long read', snippet: 'y'.repeat(5000) }];
    env.classify = () => ({ priority: 'extreme', category: 'network' }) as never;
    const r = next(start({}, env).state, text('Something about everything'), env);
    expect(r.state.suggestions[0]?.snippet).toHaveLength(1000);
    expect(r.state.classification).toBeNull();
    expect(ZWizardState.safeParse(r.state).success).toBe(true);
  });

  it('keeps at most three distinct articles', () => {
    const env = makeEnv();
    const article = (slug: string) => ({ slug, title: slug, snippet: '' });
    env.suggestArticles = () => [article('a'), article('b'), article('a'), article('c'), article('d')];
    const r = next(start({}, env).state, text('Something about everything'), env);
    expect(r.state.suggestions.map((a) => a.slug)).toEqual(['a', 'b', 'c']);
  });
});

describe('typing at suggest (one article)', () => {
  const cases: Array<[string, TWizardStep]> = [
    ['yes that fixed it', 'deflected'],
    ['Solved!', 'deflected'],
    ['thanks', 'deflected'],
    ['1', 'deflected'],
    ['no', 'category'],
    ['still broken', 'category'],
    ['I still need help', 'category'],
    ["nope, didn't work", 'category'],
    ['not solved', 'category'],
    ['2', 'category'],
  ];
  for (const [typed, step] of cases) {
    it(`"${typed}" -> ${step}`, () => {
      const r = typeAt('suggest', typed);
      expect(r.state.step).toBe(step);
      expect(r.prompt.error).toBeUndefined();
    });
  }

  it('"thanks but still broken" is ambiguous: same step, a hint and the same choices', () => {
    const r = typeAt('suggest', 'thanks but still broken');
    expect(r.state.step).toBe('suggest');
    expect(r.prompt.error).toMatch(/^Did you mean/);
    expect(r.prompt.choices?.map((c) => c.value)).toEqual(['solved:vpn-reconnect', 'need_help']);
  });

  it('unrelated text re-prompts with a hint', () => {
    const r = typeAt('suggest', 'what is the weather');
    expect(r.state.step).toBe('suggest');
    expect(r.prompt.error).toMatch(/"yes".*"no"/);
  });
});

describe('typing at suggest (several articles)', () => {
  function printer() {
    const env = makeEnv();
    return { env, state: next(start({}, env).state, text('The printer on floor 2 jams on every page'), env).state };
  }

  it('"solved" does not say which article, so it asks for the number', () => {
    const { env, state } = printer();
    const r = next(state, text('solved'), env);
    expect(r.state.step).toBe('suggest');
    expect(r.prompt.error).toMatch(/^Did you mean .*Clear a stuck print queue.*Install the printer driver/);
  });

  it('"no" still means "I still need help"', () => {
    const { env, state } = printer();
    expect(next(state, text('no'), env).state.step).toBe('category');
  });
});

describe('typing at category', () => {
  const cases: Array<[string, string]> = [
    ['Email & calendar', 'email'],
    ['SECURITY', 'security'],
    ['3', 'hardware'],
    ['net', 'network'],
    ['it is about my laptop', 'hardware'],
    ['phishing email', 'security'],
    ['yes', 'network'],
    ["that's right", 'network'],
  ];
  for (const [typed, category] of cases) {
    it(`"${typed}" -> ${category}`, () => {
      const r = typeAt('category', typed);
      expect(r.state.step).toBe('impact');
      expect(r.state.draft.category).toBe(category);
    });
  }

  it('"so" is ambiguous between Software and Something else', () => {
    const r = typeAt('category', 'so');
    expect(r.state.step).toBe('category');
    expect(r.state.draft.category).toBeNull();
    expect(r.prompt.error).toBe('Did you mean “Software & apps” or “Something else”? Choose one, or type its number.');
  });

  it('"no" and unrelated text re-prompt with the same choices', () => {
    for (const typed of ['no', 'purple monkey', '9']) {
      const r = typeAt('category', typed);
      expect(r.state.step).toBe('category');
      expect(r.prompt.error).toMatch(/Pick the area/);
      expect(r.prompt.choices).toHaveLength(8);
    }
  });

  it('"yes" without a suggestion is not an answer', () => {
    const env = makeEnv();
    env.classify = () => ({ priority: 'low', category: 'other' });
    const r = play(env, start({}, env), [text('The projector shows no picture'), text('yes')]);
    expect(last(r).state.step).toBe('impact');
    expect(last(r).state.draft.category).toBe('other');
  });
});

describe('typing at impact', () => {
  const cases: Array<[string, string | null, string | null, TWizardStep]> = [
    ["just me and I can't work", 'me', 'blocked', 'details'],
    ['The whole office, nobody can work', 'many', 'blocked', 'details'],
    ['everyone', 'many', null, 'impact'],
    ['my team', 'team', null, 'impact'],
    ['it can wait', null, 'can_wait', 'impact'],
    ['not urgent, just me', 'me', 'can_wait', 'details'],
    ['2 3', 'team', 'blocked', 'details'],
  ];
  for (const [typed, impact, urgency, step] of cases) {
    it(`"${typed}" -> ${impact ?? '-'} / ${urgency ?? '-'}`, () => {
      const r = typeAt('impact', typed);
      expect(r.state.step).toBe(step);
      expect(r.state.draft.impact).toBe(impact);
      expect(r.state.draft.urgency).toBe(urgency);
      expect(r.prompt.error).toBeUndefined();
    });
  }

  it('a single number answers the one open question', () => {
    const { env, result } = at('impact');
    const half = next(result.state, text('whole office'), env);
    const r = next(half.state, text('1'), env);
    expect(r.state.draft).toMatchObject({ impact: 'many', urgency: 'can_wait' });
    expect(r.state.step).toBe('details');
  });

  it('a single number with both questions open is ambiguous', () => {
    const r = typeAt('impact', '2');
    expect(r.state.step).toBe('impact');
    expect(r.state.draft.impact).toBeNull();
    expect(r.prompt.error).toMatch(/two numbers/);
  });

  it('unrelated text and numbers out of range re-prompt with both groups', () => {
    for (const typed of ['banana', '4 1']) {
      const r = typeAt('impact', typed);
      expect(r.state.step).toBe('impact');
      expect(r.prompt.error).toMatch(/Who is affected/);
      expect(r.prompt.groups).toHaveLength(2);
    }
  });

  it('a value that belongs to no group is refused', () => {
    const { env, result } = at('impact');
    for (const input of [choice('network'), { type: 'choices', values: ['me', 'team'] }] as TWizardInput[]) {
      const r = next(result.state, input, env);
      expect(r.state.step).toBe('impact');
      expect(r.state.draft.impact).toBeNull();
      expect(r.prompt.error).toBeDefined();
    }
  });
});

describe('typing at details', () => {
  it('"no" alone skips, "no sound from the speakers" is the details', () => {
    expect(typeAt('details', 'no').state.draft.details).toBeNull();
    const r = typeAt('details', 'No sound from the speakers');
    expect(r.state.step).toBe('summary');
    expect(r.state.draft.details).toBe('No sound from the speakers');
  });

  it('blank text is refused with a hint', () => {
    const r = typeAt('details', '   ');
    expect(r.state.step).toBe('details');
    expect(r.prompt.error).toBe('Type the details, or choose Skip.');
  });

  it('a button that is not offered is refused', () => {
    const { env, result } = at('details');
    const r = next(result.state, choice('keep'), env);
    expect(r.state.step).toBe('details');
    expect(r.prompt.error).toMatch(/isn't available/);
  });
});

describe('typing at summary', () => {
  const cases: Array<[string, TWizardStep]> = [
    ['confirm', 'submitting'],
    ['Looks good!', 'submitting'],
    ['edit title', 'title'],
    ['change the category', 'category'],
    ['priority', 'impact'],
    ['add details', 'details'],
    ['cancel', 'cancelled'],
  ];
  for (const [typed, step] of cases) {
    it(`"${typed}" -> ${step}`, () => {
      expect(typeAt('summary', typed).state.step).toBe(step);
    });
  }

  it('"edit" alone is ambiguous and lists the edits', () => {
    const r = typeAt('summary', 'edit');
    expect(r.state.step).toBe('summary');
    expect(r.prompt.error).toMatch(/Edit title.*Edit details/);
  });

  it('"no" does not cancel: it re-prompts', () => {
    const r = typeAt('summary', 'no');
    expect(r.state.step).toBe('summary');
    expect(r.prompt.error).toMatch(/"confirm"/);
  });
});

describe('invalid input', () => {
  const bad: unknown[] = [
    { type: 'teleport' },
    { type: 'choice' },
    { type: 'choice', value: '' },
    { type: 'choices', values: [] },
    { type: 'text', text: 42 },
    { type: 'text', text: 'x'.repeat(50_001) },
    { type: 'created', key: 'not a key', priority: 'high', firstResponseDueAt: '2026-01-05T13:00:00Z' },
    { type: 'created', key: 'IT-1', priority: 'extreme', firstResponseDueAt: '2026-01-05T13:00:00Z' },
    null,
    'confirm',
  ];
  for (const input of bad) {
    it(`${JSON.stringify(input)?.slice(0, 60)} leaves the state unchanged with an error`, () => {
      const { env, result } = at('summary');
      env.advance(1000);
      const r = next(result.state, input as TWizardInput, env);
      expect(r.state).toBe(result.state);
      expect(r.prompt.error).toBe("Sorry, I didn't understand that.");
      expect(r.prompt.step).toBe('summary');
    });
  }

  it('a choice that is not offered at a step is refused with the same choices', () => {
    for (const [step, value] of [
      ['suggest', 'solved:unknown-article'],
      ['category', 'printers'],
      ['summary', 'delete_everything'],
    ] as const) {
      const { env, result } = at(step);
      const r = next(result.state, choice(value), env);
      expect(r.state.step).toBe(step);
      expect(r.prompt.error).toMatch(/isn't available/);
      expect(r.prompt.choices).toEqual(result.prompt.choices);
    }
  });

  it('several choices at a one-choice step are refused', () => {
    const { env, result } = at('category');
    const r = next(result.state, { type: 'choices', values: ['email', 'network'] }, env);
    expect(r.state.step).toBe('category');
    expect(r.prompt.error).toBeDefined();
  });

  it('one value sent as a form works like a button', () => {
    const { env, result } = at('category');
    expect(next(result.state, { type: 'choices', values: ['email'] }, env).state.draft.category).toBe('email');
  });
});

describe('priority through the wizard', () => {
  it('the summary priority follows the matrix when the classifier is lower', () => {
    const { env, state } = summaryWith({
      description: 'The printer on floor 2 jams on every page',
      category: 'hardware',
      impact: 'many',
      urgency: 'blocked',
    });
    expect(state.classification?.priority).toBe('low');
    expect(next(state, text('hi'), env).prompt.summary?.priority.value).toBe('urgent');
  });

  it('the classifier priority is a floor the answers cannot lower', () => {
    const { env, state } = summaryWith({
      description: 'I clicked a phishing link this morning',
      category: 'security',
      impact: 'me',
      urgency: 'can_wait',
    });
    const r = next(state, text('hello'), env);
    expect(r.prompt.summary?.priority).toEqual({ value: 'urgent', label: 'Urgent' });
  });
});
