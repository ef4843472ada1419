import { wizard, type TChatSession, type TDeliveryFacts } from '@deskmate/shared';
import { presentedTicket, presentedUser } from '../../../../shared/src/test/presented.js';

export const links = { console: 'https://desk.example.com' };

/** The presented-ticket fixture every workspace's tests share. */
export const ticket = presentedTicket;

const article = {
  slug: 'vpn-reconnect',
  title: 'VPN keeps disconnecting',
  snippet: 'Reinstall the VPN profile and restart.',
};

/** A deterministic wizard environment, as the API gives it (knowledge base, classifier, clock). */
const env: wizard.TWizardEnv = {
  now: () => new Date('2026-01-05T09:00:00.000Z'),
  suggestArticles: (text) =>
    /vpn/i.test(text) ? [article, { ...article, slug: 'vpn-2', title: 'VPN error 809' }] : [],
  classify: () => ({ priority: 'medium', category: 'network' }),
};

let version = 0;
export function session(result: wizard.TWizardResult, ticketKey: string | null = null): TChatSession {
  version += 1;
  return {
    id: '3b9d7c1e-0000-4000-8000-000000000001',
    channel: 'teams',
    conversation: 'a:personal-1',
    version,
    step: result.state.step,
    finished: wizard.isFinished(result.state),
    prompt: result.prompt,
    ticketKey,
    updatedAt: result.state.updatedAt,
  };
}

/** Every kind of prompt the wizard shows, walked through the real (shared) wizard. */
export function everyPrompt(): [string, TChatSession][] {
  const out: [string, TChatSession][] = [];
  const add = (label: string, r: wizard.TWizardResult) => out.push([label, session(r)]);
  const go = (r: wizard.TWizardResult, input: wizard.TWizardInput) => wizard.next(r.state, input, env);
  const first = wizard.start({ source: 'teams' }, env);
  add('describe', first);
  add('describe with an error', go(first, { type: 'text', text: 'vpn' }));
  const suggest = go(first, { type: 'text', text: 'My VPN drops every few minutes since this morning' });
  add('suggest', suggest);
  add('deflected', go(suggest, { type: 'choice', value: wizard.solvedValue(article.slug) }));
  const category = go(suggest, { type: 'choice', value: wizard.needHelp });
  add('category', category);
  const impact = go(category, { type: 'choice', value: 'network' });
  add('impact', impact);
  add('impact half answered', go(impact, { type: 'choice', value: 'team' }));
  const details = go(impact, { type: 'choices', values: ['team', 'blocked'] });
  add('details', details);
  const summary = go(details, {
    type: 'text',
    text: 'Dell XPS 13, error 809 <b>bold</b> [link](https://evil.example)',
  });
  add('summary', summary);
  add('title', go(summary, { type: 'choice', value: wizard.summaryValues.editTitle }));
  add('cancelled', go(summary, { type: 'cancel' }));
  const submitting = go(summary, { type: 'choice', value: wizard.summaryValues.confirm });
  add(
    'created',
    go(submitting, {
      type: 'created',
      key: 'IT-1042',
      priority: 'high',
      firstResponseDueAt: '2026-01-05T13:00:00.000Z',
    }),
  );
  add(
    'failed',
    go(submitting, { type: 'failed', message: 'You have opened too many tickets; try again in a few minutes.' }),
  );
  const long = 'x'.repeat(20_000);
  add('describe with the longest input', go(first, { type: 'text', text: long }));
  return out;
}

export function facts(overrides: Partial<TDeliveryFacts> = {}): TDeliveryFacts {
  return {
    kind: 'notification.deliver',
    ticket: ticket(),
    notification: {
      id: 'n-1',
      type: 'reply',
      ticketKey: 'IT-1042',
      title: 'New reply on IT-1042',
      body: '',
      read: false,
      createdAt: '2026-01-05T10:00:00.000Z',
      visibility: 'public',
    },
    event: {
      id: 'e-1',
      kind: 'reply',
      visibility: 'public',
      attachments: [],
      author: { id: 'u-agent', name: 'Aggie Agent', email: 'agent@example.com' },
      body: 'Could you try reinstalling the VPN profile?',
      data: {},
      channel: 'web',
      createdAt: '2026-01-05T10:00:00.000Z',
    },
    recipient: {
      wantsChat: true,
      user: presentedUser(),
      identities: [],
    },
    payload: {},
    ...overrides,
  };
}
