import { describe, expect, it } from 'vitest';
import { next } from './machine.js';
import type { TWizardInput, TWizardStep } from './schemas.js';
import { at, choice, pathSteps, text, type TPathStep } from './__tests__/fixtures.js';

const back: TWizardInput = { type: 'back' };

describe('back', () => {
  const expected: Record<TPathStep, TWizardStep> = {
    describe: 'describe',
    suggest: 'describe',
    category: 'suggest',
    impact: 'category',
    details: 'impact',
    summary: 'details',
  };

  for (const step of pathSteps) {
    it(`from ${step} goes to ${expected[step]} and keeps the answers`, () => {
      const { env, result } = at(step);
      const r = next(result.state, back, env);
      expect(r.state.step).toBe(expected[step]);
      expect(r.state.draft).toEqual(result.state.draft);
      expect(r.prompt.error).toBeUndefined();
    });
  }

  it('from the first step does nothing harmful and says it is the first step', () => {
    const { env, result } = at('describe');
    const r = next(result.state, text('back'), env);
    expect(r.state.step).toBe('describe');
    expect(r.prompt.notice).toBe('This is the first step.');
    expect(r.prompt.nav.back).toBe(false);
  });

  it('from category goes to describe when there were no articles', () => {
    const { env, result } = at('describe');
    const category = next(result.state, text('The projector shows no picture'), env);
    expect(category.state.step).toBe('category');
    expect(next(category.state, back, env).state.step).toBe('describe');
  });

  it('back to describe prefills the description, and a new description searches again', () => {
    const { env, result } = at('suggest');
    const r = next(result.state, back, env);
    expect(r.prompt.input?.value).toBe(result.state.draft.description);
    const again = next(r.state, text('The printer on floor 2 jams on every page'), env);
    expect(again.state.suggestions.map((a) => a.slug)).toEqual(['printer-queue', 'printer-driver']);
    expect(again.state.draft.title).toBe('The printer on floor 2 jams on every page');
  });

  it('back from details shows impact with both answers selected; one change moves on', () => {
    const { env, result } = at('details');
    const r = next(result.state, back, env);
    expect(r.prompt.groups?.map((g) => g.selected)).toEqual(['me', 'slowed']);
    const changed = next(r.state, choice('blocked'), env);
    expect(changed.state.step).toBe('details');
    expect(changed.state.draft.urgency).toBe('blocked');
  });

  it('a Back button sent as a choice value works like the back input', () => {
    const { env, result } = at('impact');
    expect(next(result.state, choice('back'), env).state.step).toBe('category');
  });
});

describe('cancel', () => {
  for (const step of pathSteps) {
    it(`from ${step} ends the wizard as cancelled`, () => {
      const { env, result } = at(step);
      expect(result.prompt.nav.cancel).toBe(true);
      const r = next(result.state, { type: 'cancel' }, env);
      expect(r.state.step).toBe('cancelled');
      expect(r.prompt.final).toBe(true);
      expect(r.prompt.nav).toEqual({ back: false, cancel: false });
    });
  }

  it('typed "never mind" cancels, and so does a button sending the value "cancel" at the summary', () => {
    const { env, result } = at('category');
    expect(next(result.state, text('Never mind'), env).state.step).toBe('cancelled');
    const summary = at('summary');
    expect(next(summary.result.state, choice('cancel'), summary.env).state.step).toBe('cancelled');
  });

  it('from an edit cancels too', () => {
    const { env, result } = at('summary');
    const editing = next(result.state, choice('edit_category'), env);
    expect(next(editing.state, { type: 'cancel' }, env).state.step).toBe('cancelled');
  });
});

describe('editing from the summary', () => {
  it('edit title: asks for a title prefilled with the current one, then returns to the summary', () => {
    const { env, result } = at('summary');
    const editing = next(result.state, choice('edit_title'), env);
    expect(editing.state.step).toBe('title');
    expect(editing.prompt.input).toMatchObject({ kind: 'text', value: result.state.draft.title });
    const r = next(editing.state, text('  VPN drops every few minutes  '), env);
    expect(r.state.step).toBe('summary');
    expect(r.state.editing).toBe(false);
    expect(r.prompt.summary?.title).toBe('VPN drops every few minutes');
  });

  it('edit title: a too short title is refused', () => {
    const { env, result } = at('summary');
    const editing = next(result.state, choice('edit_title'), env);
    const r = next(editing.state, text('x'), env);
    expect(r.state.step).toBe('title');
    expect(r.prompt.error).toBe('Please type a title of a few words.');
  });

  it('edit description: returns to the summary with a new title and classification, other answers kept', () => {
    const { env, result } = at('summary');
    const editing = next(result.state, choice('edit_description'), env);
    expect(editing.state.step).toBe('describe');
    expect(editing.prompt.nav.back).toBe(true);
    const r = next(editing.state, text('I clicked a phishing link in an email about my VPN'), env);
    expect(r.state.step).toBe('summary');
    expect(r.prompt.summary).toMatchObject({
      title: 'I clicked a phishing link in an email about my VPN',
      category: { value: 'network' },
      impact: { value: 'me' },
      urgency: { value: 'slowed' },
      priority: { value: 'urgent' },
    });
  });

  it('edit description keeps a title the user typed', () => {
    const { env, result } = at('summary');
    let s = next(result.state, choice('edit_title'), env).state;
    s = next(s, text('My own title'), env).state;
    s = next(s, choice('edit_description'), env).state;
    s = next(s, text('The VPN drops when I switch to the guest Wi-Fi'), env).state;
    expect(s.draft.title).toBe('My own title');
    expect(s.draft.description).toBe('The VPN drops when I switch to the guest Wi-Fi');
  });

  it('edit category: returns to the summary with the new category', () => {
    const { env, result } = at('summary');
    const editing = next(result.state, choice('edit_category'), env);
    expect(editing.state.step).toBe('category');
    expect(editing.prompt.choices?.find((c) => c.style === 'primary')?.value).toBe('network');
    const r = next(editing.state, choice('software'), env);
    expect(r.state.step).toBe('summary');
    expect(r.prompt.summary?.category).toEqual({ value: 'software', label: 'Software & apps' });
  });

  it('edit impact: one change returns to the summary with the new priority', () => {
    const { env, result } = at('summary');
    const editing = next(result.state, choice('edit_impact'), env);
    expect(editing.state.step).toBe('impact');
    const r = next(editing.state, choice('many'), env);
    expect(r.state.step).toBe('summary');
    expect(r.prompt.summary?.impact.value).toBe('many');
    expect(r.prompt.summary?.priority.value).toBe('high');
  });

  it('edit details: add details, then keep them, then remove them', () => {
    const { env, result } = at('summary');
    let r = next(next(result.state, choice('edit_details'), env).state, text('Error 809 on a Dell XPS'), env);
    expect(r.state.step).toBe('summary');
    expect(r.prompt.summary?.details).toBe('Error 809 on a Dell XPS');
    const editing = next(r.state, choice('edit_details'), env);
    expect(editing.prompt.input?.value).toBe('Error 809 on a Dell XPS');
    expect(editing.prompt.choices?.map((c) => c.value)).toEqual(['keep', 'remove']);
    r = next(editing.state, text('skip'), env);
    expect(r.prompt.summary?.details).toBe('Error 809 on a Dell XPS');
    r = next(next(r.state, choice('edit_details'), env).state, choice('remove'), env);
    expect(r.prompt.summary?.details).toBeNull();
  });

  it('back while editing returns to the summary with nothing changed', () => {
    for (const edit of ['edit_title', 'edit_description', 'edit_category', 'edit_impact', 'edit_details']) {
      const { env, result } = at('summary');
      const editing = next(result.state, choice(edit), env);
      expect(editing.state.editing).toBe(true);
      const r = next(editing.state, { type: 'back' }, env);
      expect(r.state.step).toBe('summary');
      expect(r.state.editing).toBe(false);
      expect(r.state.draft).toEqual(result.state.draft);
    }
  });
});

describe('resume and restart', () => {
  for (const step of ['suggest', 'category', 'impact', 'details', 'summary'] as const) {
    it(`a greeting at ${step} shows the same step again instead of restarting`, () => {
      const { env, result } = at(step);
      const r = next(result.state, text('Hello!'), env);
      expect(r.state.step).toBe(step);
      expect(r.state.draft).toEqual(result.state.draft);
      expect(r.prompt.notice).toBe("Welcome back! Here's where we left off.");
      expect({ ...r.prompt, notice: undefined }).toEqual({ ...result.prompt, notice: undefined });
    });
  }

  it('a greeting at details is not taken as the details', () => {
    const { env, result } = at('details');
    expect(next(result.state, text('hey'), env).state.draft.details).toBeNull();
  });

  it('restart (input or typed "start over") empties the draft and keeps the source', () => {
    const { env, result } = at('summary', { source: 'teams' });
    for (const input of [{ type: 'restart' }, text('Start over')] as TWizardInput[]) {
      const r = next(result.state, input, env);
      expect(r.state.step).toBe('describe');
      expect(r.state.source).toBe('teams');
      expect(r.state.draft.description).toBe('');
      expect(r.state.suggestions).toEqual([]);
      expect(r.state.classification).toBeNull();
    }
  });

  it('restart is not accepted while the ticket is being created', () => {
    const { env, result } = at('summary');
    const submitting = next(result.state, choice('confirm'), env);
    expect(next(submitting.state, { type: 'restart' }, env).state.step).toBe('submitting');
  });
});

describe('buttons from older messages', () => {
  it('a choice sent with another step is not applied to the current step', () => {
    const { env, result } = at('impact');
    const r = next(result.state, { type: 'choice', value: 'software', step: 'category' }, env);
    expect(r.state.step).toBe('impact');
    expect(r.state.draft.category).toBe('network');
    expect(r.prompt.error).toMatch(/earlier message/);
  });

  it('a double click on Confirm files one ticket', () => {
    const { env, result } = at('summary');
    const confirm: TWizardInput = { type: 'choice', value: 'confirm', step: 'summary' };
    const first = next(result.state, confirm, env);
    const second = next(first.state, confirm, env);
    expect(second.state).toEqual(first.state);
    expect(second.state.step).toBe('submitting');
  });

  it('a choice sent with the current step is applied', () => {
    const { env, result } = at('category');
    expect(next(result.state, { type: 'choice', value: 'email', step: 'category' }, env).state.draft.category).toBe(
      'email',
    );
  });
});
