import { describe, expect, it } from 'vitest';
import { wizard, type TChatSession, type TDeliveryFacts, type TTicket } from '@deskmate/shared';
import { presentedTicket, presentedUser } from '../../../shared/src/test/presented.js';
import { homeView } from './render/home.js';
import { parseWizardAction } from './render/ids.js';
import { blockLimits, cut, limitProblems, section } from './render/limits.js';
import { dmNotification, notificationBlocks } from './render/notification.js';
import { triageCard } from './render/ticket.js';
import { wizardMessage } from './render/wizard.js';
import { fromSlack } from './text.js';

const links = { console: 'https://desk.test' };
const long = (n: number) => 'word '.repeat(Math.ceil(n / 5)).slice(0, n);

const ticket = (over: Partial<TTicket> = {}): TTicket =>
  presentedTicket({
    id: 't-1',
    key: 'IT-42',
    title: 'VPN <drops> & reconnects',
    description: 'It drops.',
    status: 'open',
    channel: 'slack',
    requester: { id: 'u-1', name: 'Rita', email: 'rita@example.test' },
    group: null,
    sla: { firstResponseDueAt: '2030-01-01T10:00:00.000Z', resolutionDueAt: '2030-01-02T10:00:00.000Z' },
    createdAt: '2030-01-01T09:00:00.000Z',
    updatedAt: '2030-01-01T09:00:00.000Z',
    ...over,
  });

const env: wizard.TWizardEnv = {
  now: () => new Date('2030-01-01T09:00:00.000Z'),
  suggestArticles: () => [],
  classify: () => ({ priority: 'medium', category: 'network' }),
};

function session(prompt: wizard.TWizardPrompt): TChatSession {
  return {
    id: 's-1',
    channel: 'slack',
    conversation: 'D1',
    version: 1,
    step: prompt.step,
    finished: prompt.final,
    prompt,
    ticketKey: null,
    updatedAt: '',
  };
}

describe('Block Kit limits', () => {
  it('cuts long text within 3,000 characters, ending with a link to the console', () => {
    const text = cut(long(10_000), blockLimits.sectionText, 'https://desk.test/tickets/IT-1');
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toMatch(/… <https:\/\/desk\.test\/tickets\/IT-1\|Read the rest in Deskmate>$/);
    expect(section(long(5000)).text?.text.length).toBeLessThanOrEqual(3000);
    expect(cut('short', 3000, 'https://x')).toBe('short');
  });

  it('escapes user text so it cannot inject links or mentions', () => {
    const card = triageCard(ticket({ title: '<!channel> <https://evil|click> & more' }), links);
    expect(JSON.stringify(card.blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(card.blocks)).toContain('&lt;!channel&gt;');
  });

  it('a huge reply in a DM stays within limits and links to the ticket', () => {
    const facts: TDeliveryFacts = {
      kind: 'notification.deliver',
      ticket: ticket(),
      notification: {
        id: 'n',
        type: 'reply',
        ticketKey: 'IT-42',
        title: 'New reply on IT-42',
        body: '',
        read: false,
        createdAt: '',
        visibility: 'public',
      },
      event: {
        id: 'e',
        kind: 'reply',
        visibility: 'public',
        attachments: [],
        author: { id: 'a', name: 'Ada', email: 'a@x' },
        body: long(20_000),
        data: {},
        channel: 'web',
        createdAt: '',
      },
      recipient: {
        wantsChat: true,
        user: presentedUser({ id: 'u-1', email: 'rita@example.test', name: 'Rita', createdAt: '' }),
        identities: [],
      },
      payload: {},
    };
    const msg = dmNotification(facts, links, true)!;
    expect(limitProblems(msg.blocks)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).toContain('https://desk.test/portal/tickets/IT-42|Read the rest in Deskmate');
  });

  it('App Home with a hundred tickets keeps to 50 blocks and points to the rest', () => {
    const many = Array.from({ length: 100 }, (_, i) => ticket({ key: `IT-${i + 1}` }));
    const view = homeView(
      {
        name: 'Rita',
        agent: true,
        open: many,
        recent: many,
        assigned: many,
        announcements: [{ title: 'Wi-Fi works', body: long(5000) }],
      },
      links,
    );
    expect(view.blocks).toHaveLength(50);
    expect(limitProblems(view.blocks)).toEqual([]);
    expect(JSON.stringify(view.blocks.at(-1))).toContain('More in');
  });

  it('every wizard prompt renders within the limits, with unique action ids carrying step and value', () => {
    let result = wizard.start(
      { text: 'My VPN disconnects every five minutes since this morning', source: 'slack' },
      env,
    );
    const inputs: wizard.TWizardInput[] = [
      { type: 'choice', value: 'network' },
      { type: 'choices', values: ['many', 'blocked'] },
      { type: 'text', text: long(4000) },
      { type: 'choice', value: 'confirm' },
    ];
    const seen: string[] = [];
    for (const input of inputs) {
      const msg = wizardMessage(session(result.prompt), links);
      expect(limitProblems(msg.blocks)).toEqual([]);
      seen.push(result.prompt.step);
      result = wizard.next(result.state, input, env);
    }
    expect(seen).toEqual(['category', 'impact', 'details', 'summary']);
    const summary = wizardMessage(session(wizard.promptFor({ ...result.state, step: 'summary' })), links);
    const ids = summary.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
    expect(ids).toContain('wizard:summary:confirm');
    expect(parseWizardAction('wizard:summary:confirm')).toEqual({ kind: 'choice', step: 'summary', value: 'confirm' });
    expect(parseWizardAction('wizard:suggest:solved:vpn-reset')).toEqual({
      kind: 'choice',
      step: 'suggest',
      value: 'solved:vpn-reset',
    });
    expect(parseWizardAction('wizard:nav:back')).toEqual({ kind: 'back' });
    expect(parseWizardAction('wizard:bogus:x')).toBeNull();
  });
});

describe('presenters', () => {
  it('the triage card shows key, title, requester, priority and SLA, with Claim only while unassigned', () => {
    const open = JSON.stringify(triageCard(ticket(), links).blocks);
    expect(open).toContain('IT-42 · VPN &lt;drops&gt; &amp; reconnects');
    expect(open).toContain('Rita');
    expect(open).toContain(':large_orange_circle: High');
    expect(open).toContain('<!date^1893492000^{date_short_pretty} at {time}|2030-01-01T10:00:00.000Z>');
    expect(open).toContain('"action_id":"triage:claim"');
    const claimed = JSON.stringify(
      triageCard(ticket({ assignee: { id: 'a', name: 'Ada', email: 'a@x' } }), links).blocks,
    );
    expect(claimed).not.toContain('triage:claim');
    expect(claimed).toContain('Ada');
    const resolved = JSON.stringify(triageCard(ticket({ status: 'resolved' }), links).blocks);
    expect(resolved).not.toContain('"type":"actions"');
  });

  it('an internal notification renders nothing for a requester and the note for an agent', () => {
    const facts = (role: 'requester' | 'agent'): TDeliveryFacts => ({
      kind: 'notification.deliver',
      ticket: ticket(),
      notification: {
        id: 'n',
        type: 'note',
        ticketKey: 'IT-42',
        title: 'New internal note on IT-42',
        body: 'secret',
        read: false,
        createdAt: '',
        visibility: 'internal',
      },
      event: null,
      recipient: {
        wantsChat: true,
        user: presentedUser({ id: 'x', email: 'x@x', name: 'X', role, createdAt: '' }),
        identities: [],
      },
      payload: {},
    });
    expect(notificationBlocks(facts('requester'), links)).toBeNull();
    expect(dmNotification(facts('requester'), links, true)).toBeNull();
    expect(JSON.stringify(notificationBlocks(facts('agent'), links))).toContain('secret');
  });

  it('reads Slack message text back as the person wrote it', () => {
    expect(fromSlack('a &lt;b&gt; &amp; <https://x.test/a|the link> <https://y.test>')).toBe(
      'a <b> & the link (https://x.test/a) https://y.test',
    );
  });
});
