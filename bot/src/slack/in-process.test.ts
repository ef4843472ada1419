import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, tickets } from '../../../api/src/db/schema.js';
import { createUser } from '../../../api/src/test/factories.js';
import { startSlackHarness, type SlackHarness } from './__tests__/harness.js';

const ALICE = 'U0INPROC';
const DM = 'D0INPROC';

/** Every request that reaches an HTTP server in this process, by method and path. */
const served: string[] = [];
const onRequest = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  served.push(`${request.method} ${request.url?.split('?')[0]}`);
};
beforeAll(() => subscribe('http.server.request.start', onRequest));
afterAll(() => unsubscribe('http.server.request.start', onRequest));

type Block = { type: string; elements?: { action_id?: string; value?: string }[] };

/**
 * A whole wizard DM through the real Slack endpoint, from the first message to the ticket: the
 * requests that reached an HTTP server meanwhile, Slack's own (POST /slack/events) apart.
 */
async function wizardDm(h: SlackHarness): Promise<{ slack: string[]; api: string[]; audit: unknown[] }> {
  const alice = await createUser(h.database.db, { email: 'inproc@example.test', name: 'Ida Process' });
  h.web.people.set(ALICE, { id: ALICE, email: alice.email, name: 'Ida Process' });
  const wizardMessages = () =>
    h.web.calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.body.channel === DM);
  const buttons = () => (wizardMessages().at(-1)!.body.blocks as Block[]).flatMap((b) => b.elements ?? []);
  const click = async (actionId: string) => {
    const last = wizardMessages().at(-1)!;
    const ts = last.method === 'chat.update' ? String(last.body.ts) : '1700000000.000001';
    const button = buttons().find((e) => e.action_id === actionId);
    expect(button, `no button ${actionId}`).toBeDefined();
    await h.interaction({
      type: 'block_actions',
      user: { id: ALICE },
      channel: { id: DM },
      container: { type: 'message', message_ts: ts, channel_id: DM },
      message: { ts, text: '', blocks: [] },
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: button!.value, action_ts: '1' }],
    });
    await h.settle();
  };
  await h.drain();
  served.length = 0;

  await h.event({
    type: 'message',
    channel: DM,
    channel_type: 'im',
    user: ALICE,
    text: 'My docking station stopped charging my laptop this morning',
    ts: `${Date.now() / 1000}`,
  });
  await h.settle();
  if (buttons().some((e) => e.action_id === 'wizard:suggest:need_help')) await click('wizard:suggest:need_help');
  await click('wizard:category:hardware');
  await click('wizard:impact:me');
  await click('wizard:impact:blocked');
  await click('wizard:details:skip');
  await click('wizard:summary:confirm');
  await h.drain();

  const [ticket] = await h.database.db.select().from(tickets).where(eq(tickets.requesterId, alice.id));
  expect(ticket).toMatchObject({ channel: 'slack', category: 'hardware' });
  // Who the audit trail says did it: Ida, from Slack, through the integration.
  const audit = await h.database.db
    .select({
      action: auditEvents.action,
      actorId: auditEvents.actorId,
      actorType: auditEvents.actorType,
      channel: auditEvents.channel,
      ip: auditEvents.ip,
    })
    .from(auditEvents)
    .where(eq(auditEvents.entityId, ticket!.id));
  expect(audit.length).toBeGreaterThan(0);
  return {
    audit: audit.map((a) => ({ ...a, actorId: a.actorId === alice.id ? 'Ida' : a.actorId })),
    slack: served.filter((r) => r.startsWith('POST /slack/')),
    api: served.filter((r) => !r.startsWith('POST /slack/')),
  };
}

/** The ticket's audit trail: created by Ida, from Slack, through the integration, from this machine. */
const createdBySlack = [
  { action: 'ticket.created', actorId: 'Ida', actorType: 'integration', channel: 'slack', ip: '127.0.0.1' },
];

describe('in one process (npm start)', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(() => h.stop());

  it('a whole wizard DM, from the first message to the ticket, makes no HTTP request to the API', async () => {
    const { slack, api, audit } = await wizardDm(h);
    // Slack's requests arrive over HTTP, as from Slack (a message and six clicks); nothing else does.
    expect(slack).toHaveLength(7);
    expect(api).toEqual([]);
    expect(audit).toEqual(createdBySlack);
  });
});

describe('a split bot process (--role bot, DESKMATE_API_URL)', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ transport: 'http' });
  });
  afterAll(() => h.stop());

  it('reaches the API over HTTP with the typed client: the inbox, the identity, the conversation', async () => {
    const { slack, api, audit } = await wizardDm(h);
    expect(slack).toHaveLength(7);
    // The audit trail reads the same whichever way the bot reached the API.
    expect(audit).toEqual(createdBySlack);
    // Each Slack request is recorded through the inbox, then acted on through the API.
    expect(api.filter((r) => r === 'POST /api/integrations/inbox')).toHaveLength(7);
    expect(api).toContain('POST /api/integrations/identities');
    expect(api).toContain('POST /api/chat/sessions');
    expect(api.filter((r) => /^POST \/api\/chat\/sessions\/[\w-]+\/input$/.test(r))).toHaveLength(6);
  });
});
