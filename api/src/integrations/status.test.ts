import type { TIntegrationsStatus } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents } from '../db/schema.js';
import { deliveries } from '../db/schema-delivery.js';
import { emailInbound } from '../db/schema-email.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { maskSecrets } from './status.js';

const SMTP_URL = 'smtps://desk:smtp-pass-9f8e7d@smtp.example.test:465';
const IMAP_URL = 'imaps://desk:imap-pass-1a2b3c@imap.example.test';
const EMAIL_INBOUND_SECRET = 'inbound-secret-0123456789abcdef';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let bare: TestApp; // nothing configured: what tests and a desk without the bots report
let configured: TestApp; // SMTP, IMAP, the webhook; Slack in Socket Mode; Teams for the Emulator
let admin: UserRow;
let agent: UserRow;
let requester: UserRow;

beforeAll(async () => {
  database = testDatabase.current;
  // The API role: no worker, so no IMAP poller reaches for the network.
  bare = await startTestApp({ database, role: 'api' });
  configured = await startTestApp({
    database,
    role: 'api',
    env: { SMTP_URL, IMAP_URL, EMAIL_INBOUND_SECRET },
    integrations: {
      slack: { configured: true, mode: 'socket' },
      teams: { configured: false, emulatorOnly: true },
    },
  });
  admin = await createUserWithPassword(database.db, { role: 'admin' });
  agent = await createUserWithPassword(database.db, { role: 'agent' });
  requester = await createUserWithPassword(database.db, { role: 'requester' });
});
afterAll(async () => {
  await configured.stop();
  await bare.stop();
});

const at = (iso: string) => new Date(iso);
const get = (app: TestApp, user: UserRow, path = '/integrations/status') =>
  call<TIntegrationsStatus>(app, 'GET', path, { cookie: sessionCookie(app, user) });

describe('GET /api/integrations/status', () => {
  it('with nothing configured and no traffic: every channel off, the dev outbox, no dates', async () => {
    const res = await get(bare, admin);
    expect(res.status).toBe(200);
    const quiet = { lastInboundAt: null, lastSentAt: null, pending: 0, lastFailure: null };
    const inbox = { waiting: 0, failed: 0, lastFailure: null };
    expect(res.body).toEqual({
      slack: { configured: false, mode: null, ...quiet, inbox },
      teams: { configured: false, emulatorOnly: false, ...quiet, inbox },
      email: { configured: false, outbound: 'dev_outbox', inbound: { imap: false, webhook: false }, ...quiet },
    });
  });

  it('reports configuration and the last event, delivery and failure of each channel, with credentials masked', async () => {
    const db = database.db;
    await db.insert(inboundEvents).values([
      { provider: 'slack', providerEventId: 'Ev1', receivedAt: at('2026-05-04T09:00:00Z') },
      { provider: 'slack', providerEventId: 'Ev2', receivedAt: at('2026-05-04T10:00:00Z') },
      { provider: 'teams', providerEventId: 'act-1', receivedAt: at('2026-05-03T08:00:00Z') },
      { provider: 'email', providerEventId: 'mail-1@example.test', receivedAt: at('2026-05-02T07:00:00Z') },
    ]);
    // The chat inbox: requests acted on, waiting, and failed (the newest failure is the one shown).
    const slackRequest = (key: string, payload: Record<string, unknown> | null, values = {}) => ({
      provider: 'slack',
      providerEventId: key,
      receivedAt: at('2026-05-04T09:30:00Z'),
      payload,
      ...values,
    });
    await db.insert(inboundEvents).values([
      slackRequest('event:Ev3', null, { processedAt: at('2026-05-04T09:30:01Z') }),
      slackRequest('event:Ev4', { type: 'event_callback', event: { type: 'message' } }),
      slackRequest('action:1.2', { type: 'block_actions' }),
      slackRequest(
        'event:Ev5',
        { type: 'event_callback', event: { type: 'reaction_added' } },
        { failedAt: at('2026-05-04T09:31:00Z'), lastError: 'older failure' },
      ),
      slackRequest(
        'command:3.4',
        { command: '/ticket', text: 'printer' },
        {
          failedAt: at('2026-05-04T09:40:00Z'),
          lastError: 'An API error occurred: invalid_auth (token xoxb-999-abcdef)',
        },
      ),
      {
        provider: 'teams',
        providerEventId: 'act-2',
        receivedAt: at('2026-05-03T07:00:00Z'),
        payload: { type: 'message' },
      },
    ]);
    await db.insert(emailInbound).values({
      messageId: 'mail-2@example.test',
      source: 'imap',
      outcome: 'ignored',
      receivedAt: at('2026-05-02T07:30:00Z'),
    });
    const delivery = (n: number, values: Partial<typeof deliveries.$inferInsert>) => ({
      outboxId: n,
      channel: 'slack',
      kind: 'slack.dm',
      target: `U${n}`,
      createdAt: at(`2026-05-04T0${n}:00:00Z`),
      ...values,
    });
    await db.insert(deliveries).values([
      delivery(1, { status: 'sent', sentAt: at('2026-05-04T01:00:05Z'), attempts: 1 }),
      // An older failure that a retry got past, then a newer one that gave up.
      delivery(2, {
        status: 'sent',
        sentAt: at('2026-05-04T02:10:00Z'),
        attempts: 2,
        lastError: 'An API error occurred: ratelimited',
      }),
      delivery(3, {
        status: 'dead',
        attempts: 8,
        kind: 'slack.triage_card',
        lastError: 'An API error occurred: invalid_auth (token xoxb-123-456-abcdef)',
      }),
      delivery(4, { status: 'pending' }),
      delivery(5, {
        channel: 'email',
        kind: 'email.notification',
        status: 'pending',
        attempts: 2,
        lastError: `connect ETIMEDOUT ${SMTP_URL}`,
        lastFailedAt: at('2026-05-04T05:07:00Z'),
      }),
      delivery(6, { channel: 'email', kind: 'email.direct', status: 'sent', sentAt: at('2026-05-04T06:00:01Z') }),
    ]);

    const res = await get(configured, admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      slack: {
        configured: true,
        mode: 'socket',
        lastInboundAt: '2026-05-04T10:00:00.000Z',
        lastSentAt: '2026-05-04T02:10:00.000Z',
        pending: 1,
        lastFailure: {
          error: 'An API error occurred: invalid_auth (token xoxb-***)',
          kind: 'slack.triage_card',
          status: 'dead',
          attempts: 8,
          failedAt: '2026-05-04T03:00:00.000Z',
        },
        inbox: {
          waiting: 2,
          failed: 2,
          lastFailure: {
            request: '/ticket',
            error: 'An API error occurred: invalid_auth (token xoxb-***)',
            failedAt: '2026-05-04T09:40:00.000Z',
          },
        },
      },
      teams: {
        configured: false,
        emulatorOnly: true,
        lastInboundAt: '2026-05-03T08:00:00.000Z',
        lastSentAt: null,
        pending: 0,
        lastFailure: null,
        inbox: { waiting: 1, failed: 0, lastFailure: null },
      },
      email: {
        configured: true,
        outbound: 'smtp',
        inbound: { imap: true, webhook: true },
        lastInboundAt: '2026-05-02T07:30:00.000Z',
        lastSentAt: '2026-05-04T06:00:01.000Z',
        pending: 1,
        lastFailure: {
          error: 'connect ETIMEDOUT smtps://***@smtp.example.test:465',
          kind: 'email.notification',
          status: 'pending',
          attempts: 2,
          failedAt: '2026-05-04T05:07:00.000Z',
        },
      },
    });
    const text = JSON.stringify(res.body);
    for (const secret of ['smtp-pass-9f8e7d', 'imap-pass-1a2b3c', EMAIL_INBOUND_SECRET, 'xoxb-123', 'xoxb-999'])
      expect(text).not.toContain(secret);
  });

  it('is for admins only: agents and requesters get 403, anonymous callers 401', async () => {
    for (const user of [agent, requester]) {
      const res = await get(configured, user);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: { code: 'forbidden', message: 'Only admins can do this', details: { requiredRole: 'admin' } },
      });
    }
    expect((await call(configured, 'GET', '/integrations/status')).status).toBe(401);
  });

  it('takes no query (400)', async () => {
    const res = await get(configured, admin, '/integrations/status?channel=slack');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
  });
});

describe('maskSecrets', () => {
  it('masks URL credentials, Slack tokens and Authorization values, and leaves the rest', () => {
    expect(maskSecrets('Invalid login: 535 for smtp://me:pw@host')).toBe('Invalid login: 535 for smtp://***@host');
    expect(maskSecrets('xapp-1-A0-123 and xoxp-9-8')).toBe('xapp-*** and xoxp-***');
    expect(maskSecrets('sent Authorization: Bearer abc.def-ghi')).toBe('sent Authorization: Bearer ***');
    expect(maskSecrets('channel_not_found')).toBe('channel_not_found');
  });
});
