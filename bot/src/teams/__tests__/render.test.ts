import { describe, expect, it } from 'vitest';
import {
  MAX_CARD_BYTES,
  renderCreateFromMessageCard,
  renderFilesCard,
  renderNoticeCard,
  renderNotificationCard,
  renderThreadEventCard,
  renderPickCard,
  renderPickedCard,
  renderRatedCard,
  renderTriageCard,
  renderWizardCard,
  parseSubmitted,
  type TCard,
} from '../render/index.js';
import { actionSets, checkCard } from './adaptive.js';
import { everyPrompt, facts, links, ticket } from './fixtures.js';

const teamsMaxActions = 6;

/** Whose views refresh and whom Assign offers, as the API gives it. */
const audience = {
  userIds: ['29:agent-mri', '29:alice-mri'],
  agents: [
    { id: 'u-agent', name: 'Aggie', email: 'a@x', role: 'agent' as const, away: false, groupIds: ['g-it'] },
    { id: 'u-otto', name: 'Otto', email: 'o@x', role: 'agent' as const, away: true, groupIds: ['g-it'] },
  ],
};

/** Every card the bot sends, with a name for the test report. */
function everyCard(): [string, TCard][] {
  const prompts = everyPrompt();
  const agentFacts = facts({
    notification: {
      ...facts().notification!,
      type: 'escalation',
      title: 'IT-1042 breached its first response',
      body: 'Escalated to the IT group.',
      visibility: 'internal',
    },
    event: null,
    recipient: { ...facts().recipient!, user: { ...facts().recipient!.user, id: 'u-agent', role: 'agent' } },
  });
  const many = Array.from({ length: 7 }, (_, i) =>
    ticket({ key: `IT-${100 + i}`, title: `Problem number ${i} with a rather long title that goes on` }),
  );
  const longest = 'y'.repeat(20_000);
  return [
    ...prompts.map(([label, s]): [string, TCard] => [`wizard: ${label}`, renderWizardCard(s, links)]),
    ...prompts.map(([label, s]): [string, TCard] => [
      `wizard answered: ${label}`,
      renderWizardCard(s, links, { answered: true }),
    ]),
    ['wizard with a greeting', renderWizardCard(prompts[0]![1], links, { greeting: 'Hi, I am Deskmate.' })],
    ['triage: new', renderTriageCard(ticket(), links)],
    ['triage: as posted, with its audience', renderTriageCard(ticket(), links, { audience })],
    [
      'triage: an agent’s own view, with a notice',
      renderTriageCard(ticket({ assignee: { id: 'u-agent', name: 'Aggie', email: 'a@x' } }), links, {
        audience,
        viewer: { kind: 'agent', userId: 'u-agent' },
        notice: 'IT-1042 was already claimed by Aggie',
      }),
    ],
    ['triage: the requester’s view', renderTriageCard(ticket(), links, { audience, viewer: { kind: 'requester' } })],
    [
      'triage: claimed, breached',
      renderTriageCard(
        ticket({
          status: 'open',
          assignee: { id: 'u-agent', name: 'Aggie', email: 'a@x' },
          sla: { ...ticket().sla, firstResponseBreached: true },
        }),
        links,
      ),
    ],
    ['triage: resolved', renderTriageCard(ticket({ status: 'resolved' }), links)],
    ['triage: longest text', renderTriageCard(ticket({ title: longest.slice(0, 200), description: longest }), links)],
    ['notification: agent reply to requester', renderNotificationCard(facts(), links)!],
    [
      'notification: resolved, with CSAT',
      renderNotificationCard(
        facts({
          ticket: ticket({ status: 'resolved' }),
          event: null,
          notification: { ...facts().notification!, type: 'status_changed', title: 'IT-1042 was resolved' },
        }),
        links,
      )!,
    ],
    ['notification: escalation to an agent', renderNotificationCard(agentFacts, links)!],
    [
      'notification: longest reply',
      renderNotificationCard(facts({ event: { ...facts().event!, body: longest } }), links)!,
    ],
    ['which ticket: one open', renderPickCard('It still drops', [ticket()])],
    ['which ticket: many open', renderPickCard('It still drops', many)],
    ['which ticket: longest message', renderPickCard(longest, many)],
    ['which ticket: a long message that JSON escapes', renderPickCard('"\\'.repeat(10_000), many)],
    ['which ticket: answered', renderPickedCard('It still drops', ticket())],
    [
      'which ticket: with files',
      renderPickCard('Shared a file: a.png', many, [
        { name: 'a.png', type: '', url: 'https://x.sharepoint.com/a.png' },
      ]),
    ],
    [
      'files: kept and refused',
      renderFilesCard([
        { kept: true, message: 'a.png is attached to IT-1.' },
        { kept: false, message: 'b.exe was not attached: a program' },
      ]),
    ],
    ['rated', renderRatedCard('IT-1042', 4)],
    ['notice', renderNoticeCard('Only agents can do this', 'Ask IT')],
    [
      'create ticket from a message',
      renderCreateFromMessageCard({
        text: 'The printer jams',
        author: 'Bob Builder',
        link: 'https://teams.example/m/1',
      }),
    ],
    ['create ticket from a message: longest', renderCreateFromMessageCard({ text: longest, author: null, link: null })],
    [
      'thread: a reply and the status change it caused',
      renderThreadEventCard(
        facts({
          kind: 'ticket.event',
          notification: null,
          recipient: null,
          event: null,
          events: [
            facts().event!,
            {
              ...facts().event!,
              id: 'e-2',
              kind: 'system',
              body: 'Status changed',
              data: { type: 'status_changed', from: 'new', to: 'open' },
            },
          ],
        }),
      )!,
    ],
  ];
}

describe('every card the bot sends', () => {
  it.each(everyCard())('%s parses as Adaptive Card 1.5 without a warning and renders', (_label, card) => {
    expect(card.version).toBe('1.5');
    const { problems, rendered } = checkCard(card);
    expect(problems).toEqual([]);
    expect(rendered).toBe(true);
  });

  it.each(everyCard())('%s stays within Teams limits (size, buttons per row)', (_label, card) => {
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(MAX_CARD_BYTES);
    for (const set of actionSets(card)) expect(set.length).toBeLessThanOrEqual(teamsMaxActions);
  });

  it('the parser does report problems (the check above could fail)', () => {
    const broken = {
      ...renderNoticeCard('x'),
      body: [{ type: 'TextBlock', text: 'x', size: 'huge' }, { type: 'Nope' }],
    };
    expect(checkCard(broken).problems).toHaveLength(2);
  });
});

describe('wizard cards', () => {
  const prompts = new Map(everyPrompt());

  it('renders the prompt: text, a required field for a required answer, Next, Cancel; no Back on the first step', () => {
    const s = prompts.get('describe')!;
    const card = renderWizardCard(s, links);
    const json = JSON.stringify(card);
    expect(json).toContain(s.prompt.text);
    expect(card.body).toContainEqual(
      expect.objectContaining({ type: 'Input.Text', id: 'wizardText', isMultiline: true, isRequired: true }),
    );
    expect(card.actions?.map((a) => a.title)).toEqual(['Cancel']);
    const next = actionSets(card)
      .flat()
      .find((a) => (a as { title: string }).title === 'Next') as { data: unknown };
    expect(next.data).toEqual({ dm: 'wizard', session: s.id, version: s.version, input: { type: 'text' } });
  });

  it('every choice is a button that sends the choice with its step and the session version', () => {
    const s = prompts.get('category')!;
    const buttons = actionSets(renderWizardCard(s, links)).flat() as {
      title: string;
      data: Record<string, unknown>;
      style?: string;
    }[];
    for (const choice of s.prompt.choices!) {
      const button = buttons.find((b) => b.title === choice.label);
      expect(button?.data).toEqual({
        dm: 'wizard',
        session: s.id,
        version: s.version,
        input: { type: 'choice', value: choice.value, step: s.step },
      });
      expect(button?.style).toBe(choice.style === 'primary' ? 'positive' : undefined);
    }
  });

  it('choice groups are one form: a required radio list per group and one Next', () => {
    const s = prompts.get('impact half answered')!;
    const card = renderWizardCard(s, links);
    const sets = card.body.filter((e) => e.type === 'Input.ChoiceSet');
    expect(sets.map((e) => [e.id, e.value])).toEqual([
      ['group:impact', 'team'],
      ['group:urgency', undefined],
    ]);
  });

  it('user text is never markdown: the summary shows it as typed, in a TextRun', () => {
    const json = JSON.stringify(renderWizardCard(prompts.get('summary')!, links));
    expect(json).toContain(
      '{"type":"TextRun","text":"Dell XPS 13, error 809 <b>bold</b> [link](https://evil.example)"}',
    );
    expect(json).not.toMatch(/"type":"TextBlock","text":"[^"]*evil\.example/);
  });

  it('a finished conversation offers a new request; an answered card has no inputs or buttons', () => {
    expect(renderWizardCard(prompts.get('created')!, links).actions?.map((a) => a.title)).toEqual(['New request']);
    const answered = renderWizardCard(prompts.get('summary')!, links, { answered: true });
    expect(actionSets(answered)).toEqual([]);
    expect(JSON.stringify(answered)).not.toContain('Input.');
  });
});

describe('the data our buttons send comes back as a parsed action', () => {
  it('parses our payloads with the card fields, and ignores anything else', () => {
    expect(parseSubmitted({ dm: 'pick', ticket: 'IT-1', message: 'hello' })).toEqual({
      action: { dm: 'pick', ticket: 'IT-1' },
      fields: { dm: 'pick', ticket: 'IT-1', message: 'hello' },
    });
    expect(parseSubmitted({ dm: 'csat', ticket: 'IT-1', rating: 9 })).toBeNull();
    expect(parseSubmitted({ action: 'someone else' })).toBeNull();
    expect(parseSubmitted('text')).toBeNull();
  });
});

describe('triage and notification cards', () => {
  /** The buttons of a card (body action sets and top-level actions), by type and title. */
  const buttonsOf = (card: TCard) =>
    actionSets(card)
      .flat()
      .filter((a) => !JSON.stringify(card.refresh ?? {}).includes(JSON.stringify(a)))
      .map((a) => a as { type: string; title: string; data?: unknown; fallback?: unknown; verb?: string });
  const topLevel = (card: TCard) =>
    [
      ...card.body.filter((e) => e.type === 'ActionSet').flatMap((e) => e.actions as TCard['body']),
      ...(card.actions ?? []),
    ] as {
      type: string;
      title: string;
    }[];

  it('a new ticket has Claim, Resolve, Assign, Priority, Reply to requester and Open; a claimed one no Claim; a resolved one only Open', () => {
    expect(topLevel(renderTriageCard(ticket(), links, { audience })).map((a) => a.title)).toEqual([
      'Claim',
      'Resolve',
      'Assign',
      'Priority',
      'Reply to requester',
      'Open',
    ]);
    const claimed = ticket({ assignee: { id: 'a', name: 'Aggie', email: 'a@x' } });
    expect(topLevel(renderTriageCard(claimed, links, { audience })).map((a) => a.title)).toEqual([
      'Resolve',
      'Assign',
      'Priority',
      'Reply to requester',
      'Open',
    ]);
    const resolved = renderTriageCard(ticket({ status: 'resolved' }), links, { audience });
    expect(topLevel(resolved)).toEqual([
      { type: 'Action.OpenUrl', title: 'Open', url: 'https://desk.example.com/tickets/IT-1042' },
    ]);
    // Nothing to do on a resolved ticket: no view to refresh into.
    expect(resolved.refresh).toBeUndefined();
  });

  it('every triage button is Action.Execute, falling back to an Action.Submit with the same data', () => {
    const executes = buttonsOf(renderTriageCard(ticket(), links, { audience })).filter(
      (b) => b.type === 'Action.Execute',
    );
    expect(executes.map((b) => [b.title, b.verb, b.data])).toEqual([
      ['Claim', 'triage.claim', { dm: 'triage', op: 'claim', ticket: 'IT-1042' }],
      ['Resolve', 'triage.resolve', { dm: 'triage', op: 'resolve', ticket: 'IT-1042' }],
      ['Assign', 'triage.assign', { dm: 'triage', op: 'assign', ticket: 'IT-1042' }],
      ['Set priority', 'triage.priority', { dm: 'triage', op: 'priority', ticket: 'IT-1042' }],
      ['Send to requester', 'triage.reply', { dm: 'triage', op: 'reply', ticket: 'IT-1042' }],
    ]);
    for (const b of executes) {
      expect(b.fallback).toMatchObject({ type: 'Action.Submit', title: b.title, data: b.data });
      expect(parseSubmitted(b.data)).not.toBeNull();
    }
  });

  it('the posted card refreshes into their own view for the people the API names (at most 60)', () => {
    const card = renderTriageCard(ticket(), links, { audience });
    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', verb: 'triage.view', data: { dm: 'view', ticket: 'IT-1042' } },
      userIds: ['29:agent-mri', '29:alice-mri'],
    });
  });

  it('Assign offers the agents the API gives (away ones marked), the current assignee chosen', () => {
    const card = renderTriageCard(ticket({ assignee: { id: 'u-otto', name: 'Otto', email: 'o@x' } }), links, {
      audience,
    });
    const assign = topLevel(card).find((a) => a.title === 'Assign') as unknown as { card: { body: unknown[] } };
    expect(assign.card.body[0]).toMatchObject({
      type: 'Input.ChoiceSet',
      id: 'assignee',
      label: 'Assign to an agent of IT',
      value: 'u-otto',
      choices: [
        { title: 'Aggie', value: 'u-agent' },
        { title: 'Otto (away)', value: 'u-otto' },
      ],
    });
    expect(topLevel(renderTriageCard(ticket(), links)).map((a) => a.title)).not.toContain('Assign');
  });

  it('an agent’s own view says "you"; the requester’s view has the ticket and no agent actions', () => {
    const mine = renderTriageCard(ticket({ assignee: { id: 'u-agent', name: 'Aggie', email: 'a@x' } }), links, {
      audience,
      viewer: { kind: 'agent', userId: 'u-agent' },
    });
    expect(JSON.stringify(mine)).toContain('You (Aggie)');
    const theirs = renderTriageCard(ticket(), links, { audience, viewer: { kind: 'requester' } });
    expect(buttonsOf(theirs).map((b) => b.type)).toEqual(['Action.OpenUrl']);
    expect(theirs.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open', url: 'https://desk.example.com/portal/tickets/IT-1042' },
    ]);
    expect(theirs.refresh).toEqual(renderTriageCard(ticket(), links, { audience }).refresh);
  });

  it('a requester sees the reply in full and can answer; rating buttons only once resolved and unrated', () => {
    const reply = JSON.stringify(renderNotificationCard(facts(), links));
    expect(reply).toContain('Could you try reinstalling the VPN profile?');
    expect(reply).toContain('"title":"Reply"');
    expect(reply).not.toContain('"dm":"csat"');
    const resolved = renderNotificationCard(facts({ ticket: ticket({ status: 'resolved' }) }), links)!;
    const ratings = actionSets(resolved)
      .flat()
      .filter((a) => JSON.stringify(a).includes('"dm":"csat"'));
    expect(ratings).toHaveLength(5);
    const rated = renderNotificationCard(
      facts({ ticket: ticket({ status: 'resolved', csat: { rating: 5, comment: null } }) }),
      links,
    );
    expect(JSON.stringify(rated)).not.toContain('"dm":"csat"');
  });

  it('an agent gets no reply box or ratings, and a link to the agent view', () => {
    const f = facts({
      recipient: { ...facts().recipient!, user: { ...facts().recipient!.user, id: 'u-agent', role: 'agent' } },
    });
    const card = renderNotificationCard({ ...f, ticket: ticket({ status: 'resolved' }) }, links)!;
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open', url: 'https://desk.example.com/tickets/IT-1042' },
    ]);
  });

  it('the "which ticket?" card carries the message in an editable field and offers each open ticket and a new request', () => {
    const card = renderPickCard('It still drops', [
      ticket(),
      ticket({ key: 'IT-7', title: 'Printer', status: 'pending' }),
    ]);
    expect(card.body[1]).toMatchObject({ type: 'Input.Text', id: 'message', value: 'It still drops' });
    const buttons = actionSets(card).flat() as { title: string; data: unknown }[];
    expect(buttons.map((b) => [b.title, b.data])).toEqual([
      ['IT-1042: VPN drops every few minutes (New)', { dm: 'pick', ticket: 'IT-1042' }],
      ['IT-7: Printer (Waiting on you)', { dm: 'pick', ticket: 'IT-7' }],
      ['New request', { dm: 'pick', ticket: null }],
    ]);
  });
});
