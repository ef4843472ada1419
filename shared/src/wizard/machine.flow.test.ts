import { describe, expect, it } from 'vitest';
import { isExpired, isFinished, next, start, ticketDraft } from './machine.js';
import { ZWizardPrompt, ZWizardState, type TWizardInput, type TWizardResult } from './schemas.js';
import { articles, at, choice, last, makeEnv, play, t0, text, vpnDescription } from './__tests__/fixtures.js';

const created: TWizardInput = {
  type: 'created',
  key: 'IT-1042',
  priority: 'medium',
  firstResponseDueAt: '2026-01-05T13:00:00.000Z',
};

describe('walking forward through every step', () => {
  it('starts at describe with a textarea, no back button and step 1 of 6', () => {
    const env = makeEnv();
    const { state, prompt } = start({ source: 'teams' }, env);
    expect(state.step).toBe('describe');
    expect(state.source).toBe('teams');
    expect(state.updatedAt).toBe(t0);
    expect(prompt.input).toMatchObject({ kind: 'textarea', optional: false });
    expect(prompt.nav).toEqual({ back: false, cancel: true });
    expect(prompt.progress).toEqual({ current: 1, total: 6 });
  });

  it('describe -> suggest shows the articles found for the description, with solved and need-help choices', () => {
    const { result } = at('suggest');
    expect(result.prompt.articles).toEqual([articles.vpn]);
    expect(result.prompt.choices?.map((c) => c.value)).toEqual(['solved:vpn-reconnect', 'need_help']);
    expect(result.state.draft.title).toBe('My VPN drops every few minutes since this morning');
    expect(result.state.classification).toEqual({ priority: 'medium', category: 'network' });
  });

  it('describe skips suggest when the knowledge base has nothing', () => {
    const env = makeEnv();
    const r = next(start({}, env).state, text('The projector in room 4 shows no picture'), env);
    expect(r.state.step).toBe('category');
    expect(r.state.suggestions).toEqual([]);
    expect(r.prompt.progress.current).toBe(3);
  });

  it('suggest -> category preselects the classifier category and shows human labels', () => {
    const { result } = at('category');
    const network = result.prompt.choices?.find((c) => c.value === 'network');
    expect(network).toEqual({ value: 'network', label: 'Network & Wi-Fi', style: 'primary' });
    expect(result.prompt.choices?.filter((c) => c.style === 'primary')).toHaveLength(1);
    expect(result.prompt.text).toContain('Network & Wi-Fi');
  });

  it('category -> impact shows two choice groups with nothing selected', () => {
    const { result } = at('impact');
    expect(result.state.draft.category).toBe('network');
    expect(result.prompt.groups?.map((g) => [g.name, g.selected, g.choices.length])).toEqual([
      ['impact', null, 3],
      ['urgency', null, 3],
    ]);
  });

  it('impact answered one button at a time stays until both are answered', () => {
    const { env, result } = at('impact');
    const half = next(result.state, choice('team'), env);
    expect(half.state.step).toBe('impact');
    expect(half.prompt.groups?.[0]?.selected).toBe('team');
    expect(half.prompt.text).toContain('How much does it block you?');
    const both = next(half.state, choice('blocked'), env);
    expect(both.state.step).toBe('details');
    expect(both.state.draft).toMatchObject({ impact: 'team', urgency: 'blocked' });
  });

  it('impact answered by a form with both groups moves on in one interaction', () => {
    const { env, result } = at('impact');
    const r = next(result.state, { type: 'choices', values: ['many', 'blocked'] }, env);
    expect(r.state.step).toBe('details');
  });

  it('details -> summary with the details, or with none after Skip', () => {
    const { env, result } = at('details');
    expect(result.prompt.input).toMatchObject({ kind: 'textarea', optional: true });
    expect(result.prompt.choices).toEqual([{ value: 'skip', label: 'Skip' }]);
    const withDetails = next(result.state, text('Dell XPS 13, error 809'), env);
    expect(withDetails.state.step).toBe('summary');
    expect(withDetails.state.draft.details).toBe('Dell XPS 13, error 809');
    const skipped = next(result.state, choice('skip'), env);
    expect(skipped.state.draft.details).toBeNull();
  });

  it('summary shows title, description, labels and the computed priority, with Confirm and edits; Cancel once, as navigation', () => {
    const { result } = at('summary');
    expect(result.prompt.summary).toEqual({
      title: 'My VPN drops every few minutes since this morning',
      description: vpnDescription,
      descriptionTruncated: false,
      details: null,
      category: { value: 'network', label: 'Network & Wi-Fi' },
      impact: { value: 'me', label: 'Just me' },
      urgency: { value: 'slowed', label: "It's slowing me down" },
      priority: { value: 'medium', label: 'Medium' },
    });
    expect(result.prompt.choices?.map((c) => c.value)).toEqual([
      'confirm',
      'edit_title',
      'edit_description',
      'edit_category',
      'edit_impact',
      'edit_details',
    ]);
    // Every channel draws nav.cancel as the Cancel button: a Cancel choice as well showed two.
    expect(result.prompt.nav.cancel).toBe(true);
    expect(result.prompt.choices?.filter((c) => /cancel/i.test(c.label) || c.value === 'cancel')).toEqual([]);
  });

  it('confirm -> submitting produces the ticket draft; created -> created with key, priority and due time', () => {
    const { env, result } = at('summary', { source: 'slack' });
    const submitting = next(result.state, choice('confirm'), env);
    expect(submitting.state.step).toBe('submitting');
    expect(submitting.prompt.nav).toEqual({ back: false, cancel: false });
    expect(ticketDraft(submitting.state)).toEqual({
      title: 'My VPN drops every few minutes since this morning',
      description: vpnDescription,
      details: null,
      category: 'network',
      impact: 'me',
      urgency: 'slowed',
      priority: 'medium',
      classifierPriority: 'medium',
      source: 'slack',
      suggestedArticles: ['vpn-reconnect'],
    });
    const done = next(submitting.state, created, env);
    expect(done.state.step).toBe('created');
    expect(done.state.ticket).toEqual({
      key: 'IT-1042',
      priority: 'medium',
      firstResponseDueAt: '2026-01-05T13:00:00.000Z',
    });
    expect(done.prompt.ticket?.key).toBe('IT-1042');
    expect(done.prompt.text).toContain('IT-1042');
    expect(done.prompt.final).toBe(true);
    expect(isFinished(done.state)).toBe(true);
  });

  it('ticketDraft is null outside submitting', () => {
    const { result } = at('summary');
    expect(ticketDraft(result.state)).toBeNull();
  });
});

describe('the happy path', () => {
  it('files a typical ticket in six interactions, accepting the suggested category', () => {
    const env = makeEnv();
    const user: TWizardInput[] = [
      text('My VPN keeps disconnecting every few minutes'),
      choice('need_help'),
      choice('network'),
      { type: 'choices', values: ['me', 'blocked'] },
      choice('skip'),
      choice('confirm'),
    ];
    const results = play(env, start({ source: 'slack' }, env), user);
    expect(user).toHaveLength(6);
    expect(results.map((r) => r.state.step)).toEqual([
      'describe',
      'suggest',
      'category',
      'impact',
      'details',
      'summary',
      'submitting',
    ]);
    expect(results.every((r) => r.prompt.error === undefined)).toBe(true);
    expect(ticketDraft(last(results).state)?.priority).toBe('high');
  });

  it('files a typical ticket in six typed messages in a terminal', () => {
    const env = makeEnv();
    const results = play(env, start({}, env), [
      text('My VPN keeps disconnecting every few minutes'),
      text('no, still broken'),
      text('yes'),
      text("just me and I can't work"),
      text('skip'),
      text('looks good'),
    ]);
    expect(last(results).state.step).toBe('submitting');
    expect(ticketDraft(last(results).state)).toMatchObject({ category: 'network', impact: 'me', urgency: 'blocked' });
  });

  it('a prefilled start (/ticket my vpn is down) needs five', () => {
    const env = makeEnv();
    const first = start({ text: 'my vpn is down again', source: 'slack' }, env);
    expect(first.state.step).toBe('suggest');
    expect(first.state.draft.description).toBe('my vpn is down again');
    expect(first.state.draft.title).toBe('my vpn is down again');
    const results = play(env, first, [
      choice('need_help'),
      choice('network'),
      { type: 'choices', values: ['many', 'blocked'] },
      choice('skip'),
      choice('confirm'),
    ]);
    expect(last(results).state.step).toBe('submitting');
    expect(ticketDraft(last(results).state)?.priority).toBe('urgent');
  });

  it('a prefilled start without articles starts at category', () => {
    const env = makeEnv();
    const first = start({ text: 'The projector in room 4 shows no picture' }, env);
    expect(first.state.step).toBe('category');
  });

  it('a prefilled start from the help centre (offerArticles: false) skips the articles already judged', () => {
    const env = makeEnv();
    const first = start({ text: 'my vpn is down again', source: 'web', offerArticles: false }, env);
    expect(first.state.step).toBe('category');
    expect(first.state.suggestions).toEqual([]);
    expect(first.state.draft.description).toBe('my vpn is down again');
    expect(env.calls.suggest).toEqual([]);
    // Going back and describing it again is a new description: articles are offered for it.
    const back = play(env, first, [{ type: 'back' }, text('my vpn is down again since the update')]);
    expect(last(back).state.step).toBe('suggest');
  });

  it('a prefilled start that is too short stays at describe and asks for more', () => {
    const env = makeEnv();
    const first = start({ text: 'vpn' }, env);
    expect(first.state.step).toBe('describe');
    expect(first.prompt.error).toMatch(/more detail/);
    expect(first.state.draft.description).toBe('');
  });
});

describe('deflection', () => {
  it('"This solved it" ends the wizard and records which article', () => {
    const { env, result } = at('suggest');
    const r = next(result.state, choice('solved:vpn-reconnect'), env);
    expect(r.state.step).toBe('deflected');
    expect(r.state.deflectedBy).toEqual({ slug: 'vpn-reconnect', title: 'Reconnect to the VPN' });
    expect(r.prompt.deflectedBy?.slug).toBe('vpn-reconnect');
    expect(r.prompt.final).toBe(true);
    expect(ticketDraft(r.state)).toBeNull();
  });

  it('with several articles, the one chosen by number is recorded', () => {
    const env = makeEnv();
    const r = play(env, start({}, env), [text('The printer on floor 2 jams on every page'), text('2')]);
    expect(last(r).state.deflectedBy?.slug).toBe('printer-driver');
  });
});

describe('ticket creation answers', () => {
  it('a failure goes back to the summary with the error, and Confirm submits again', () => {
    const { env, result } = at('summary');
    const submitting = next(result.state, choice('confirm'), env);
    const failed = next(submitting.state, { type: 'failed', message: 'The helpdesk is unreachable' }, env);
    expect(failed.state.step).toBe('summary');
    expect(failed.prompt.error).toBe(
      "I couldn't create the ticket: The helpdesk is unreachable. Try Confirm again, or Cancel.",
    );
    expect(failed.prompt.summary?.title).toBe(result.prompt.summary?.title);
    expect(next(failed.state, choice('confirm'), env).state.step).toBe('submitting');
  });

  it('created is accepted only in submitting', () => {
    for (const step of ['describe', 'suggest', 'category', 'impact', 'details', 'summary'] as const) {
      const { env, result } = at(step);
      const r = next(result.state, created, env);
      expect(r.state.step).toBe(step);
      expect(r.state.ticket).toBeNull();
      expect(r.prompt.error).toBe("That isn't expected right now.");
    }
  });

  it('failed is ignored outside submitting', () => {
    const { env, result } = at('summary');
    const r = next(result.state, { type: 'failed', message: 'boom' }, env);
    expect(r.state.step).toBe('summary');
    expect(r.prompt.error).toBe("That isn't expected right now.");
  });

  it('while submitting, clicks, text, back and cancel change nothing (no double submission)', () => {
    const { env, result } = at('summary');
    const submitting = next(result.state, choice('confirm'), env).state;
    for (const input of [choice('confirm'), text('hello?'), { type: 'back' }, { type: 'cancel' }] as TWizardInput[]) {
      const r = next(submitting, input, env);
      expect(r.state.step).toBe('submitting');
      expect(r.prompt.notice).toBe('Your ticket is being created, one moment.');
    }
  });

  it('a finished wizard stays finished, unchanged, until restarted', () => {
    const { env, result } = at('suggest');
    const deflected = next(result.state, choice('solved:vpn-reconnect'), env).state;
    env.advance(60_000);
    const r = next(deflected, choice('need_help'), env);
    expect(r.state).toBe(deflected);
    expect(r.prompt.notice).toMatch(/start over/);
    const restarted = next(deflected, text('start over'), env);
    expect(restarted.state.step).toBe('describe');
    expect(restarted.state.deflectedBy).toBeNull();
  });
});

describe('time', () => {
  it('updatedAt comes from env.now() on every turn', () => {
    const { env, result } = at('category');
    env.advance(90_000);
    const r = next(result.state, choice('network'), env);
    expect(r.state.updatedAt).toBe('2026-01-05T09:01:30.000Z');
  });

  it('isExpired compares updatedAt with the given time and TTL', () => {
    const { result } = at('category');
    const ttl = 30 * 60_000;
    expect(isExpired(result.state, new Date('2026-01-05T09:29:59.999Z'), ttl)).toBe(false);
    expect(isExpired(result.state, new Date('2026-01-05T09:30:00.000Z'), ttl)).toBe(true);
    expect(isExpired({ updatedAt: 'not a date' }, new Date(t0), ttl)).toBe(true);
  });
});

describe('storage and determinism', () => {
  function everyResult(): TWizardResult[] {
    const env = makeEnv();
    const r = play(env, start({ source: 'web' }, env), [
      text('My VPN keeps disconnecting every few minutes'),
      text('no'),
      choice('network'),
      choice('team'),
      choice('slowed'),
      text('Since the 1.4 update'),
      choice('edit_title'),
      text('VPN drops'),
      choice('confirm'),
      created,
    ]);
    return r;
  }

  it('every state survives a JSON round trip and validates with ZWizardState', () => {
    const results = everyResult();
    expect(last(results).state.step).toBe('created');
    for (const { state, prompt } of results) {
      const stored = JSON.parse(JSON.stringify(state)) as unknown;
      expect(ZWizardState.parse(stored)).toEqual(state);
      expect(ZWizardPrompt.safeParse(prompt).success).toBe(true);
    }
  });

  it('a state restored from JSON continues exactly like the original', () => {
    const { env, result } = at('impact');
    const restored = ZWizardState.parse(JSON.parse(JSON.stringify(result.state)));
    const input: TWizardInput = { type: 'choices', values: ['many', 'can_wait'] };
    expect(next(restored, input, env)).toEqual(next(result.state, input, env));
  });

  it('the same inputs give the same states and prompts', () => {
    expect(everyResult()).toEqual(everyResult());
  });

  it('next never mutates the state it is given', () => {
    const { env, result } = at('summary');
    const frozen = deepFreeze(structuredClone(result.state));
    expect(() => next(frozen, choice('edit_details'), env)).not.toThrow();
    expect(() => next(frozen, choice('confirm'), env)).not.toThrow();
    expect(frozen).toEqual(result.state);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
