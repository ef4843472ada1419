import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PermanentDeliveryError,
  RetryAfterError,
  type TDeliveryFacts,
  type TTicket,
  type TUser,
} from '@deskmate/shared';
import { presentedTicket, presentedUser } from '../../../shared/src/test/presented.js';
import { SlackSender } from './sender.js';

const host = 'https://slack.test';

const ticket: TTicket = presentedTicket({
  id: '00000000-0000-4000-8000-000000000001',
  key: 'IT-7',
  title: 'Printer jams',
  description: 'Every page',
  status: 'open',
  priority: 'medium',
  category: 'hardware',
  channel: 'slack',
  requester: { id: 'req-1', name: 'Rita Requester', email: 'rita@example.test' },
  group: null,
  sla: { firstResponseDueAt: '2030-01-01T10:00:00.000Z', resolutionDueAt: null },
  createdAt: '2030-01-01T09:00:00.000Z',
  updatedAt: '2030-01-01T09:00:00.000Z',
});

const user = (role: TUser['role'], id = 'req-1'): TUser =>
  presentedUser({ id, email: `${id}@example.test`, name: id, role, createdAt: '2030-01-01T00:00:00.000Z' });

function notificationFacts(role: TUser['role'], visibility: 'public' | 'internal', slack = true): TDeliveryFacts {
  return {
    kind: 'notification.deliver',
    ticket,
    notification: {
      id: 'n1',
      type: visibility === 'internal' ? 'note' : 'status_changed',
      ticketKey: 'IT-7',
      title: 'IT-7 changed',
      body: 'secret body',
      read: false,
      createdAt: ticket.createdAt,
      visibility,
    },
    event: null,
    recipient: {
      user: user(role),
      identities: slack ? [{ provider: 'slack', providerUserId: 'U0RITA', providerTeamId: 'T1', data: {} }] : [],
      wantsChat: true,
    },
    payload: {},
  };
}

const sender = (triageChannel: string | null = 'C0TRIAGE1') =>
  new SlackSender({
    token: 'xoxb-test',
    triageChannel: triageChannel ?? undefined,
    links: () => ({ console: 'https://desk.test' }),
    clientOptions: { slackApiUrl: `${host}/api/` },
  });

afterEach(() => {
  nock.cleanAll();
});

describe('planning', () => {
  it('a ticket change is the triage card (one ref per ticket); a new ticket also opens the requester’s DM thread', () => {
    const facts: TDeliveryFacts = {
      kind: 'ticket.changed',
      ticket,
      notification: null,
      event: null,
      recipient: null,
      payload: { ticketId: ticket.id, key: ticket.key, action: 'ticket.created' },
    };
    expect(sender().plan(facts)).toEqual([
      { kind: 'triage.card', target: 'C0TRIAGE1', refKey: { purpose: 'triage_card', ticketId: ticket.id } },
      {
        kind: 'dm.created',
        target: 'rita@example.test',
        refKey: { purpose: 'dm_thread', ticketId: ticket.id, userId: 'req-1' },
      },
    ]);
    expect(sender(null).plan({ ...facts, payload: { ...facts.payload, action: 'ticket.updated' } })).toEqual([]);
  });

  it('a notification is a DM in the ticket’s thread, only to someone with a Slack account', () => {
    expect(sender().plan(notificationFacts('requester', 'public'))).toEqual([
      {
        kind: 'dm.notification',
        target: 'U0RITA',
        refKey: { purpose: 'dm_thread', ticketId: ticket.id, userId: 'req-1' },
      },
    ]);
    expect(sender().plan(notificationFacts('requester', 'public', false))).toEqual([]);
  });

  it('sends no notification DMs to someone who asked for email or the digest only', () => {
    const facts = notificationFacts('requester', 'public');
    expect(sender().plan({ ...facts, recipient: { ...facts.recipient!, wantsChat: false } })).toEqual([]);
  });

  it('never plans internal content for a requester, even if asked to', () => {
    expect(sender().plan(notificationFacts('requester', 'internal'))).toEqual([]);
    expect(sender().plan(notificationFacts('agent', 'internal'))).toHaveLength(1);
  });
});

describe('sending', () => {
  const envelope = (ref: { conversation: string; message: string } | null = null) => ({
    id: 'd1',
    plan: {
      kind: 'triage.card',
      target: 'C0TRIAGE1',
      refKey: { purpose: 'triage_card' as const, ticketId: ticket.id },
    },
    facts: {
      kind: 'ticket.changed',
      ticket,
      notification: null,
      event: null,
      recipient: null,
      payload: {},
    } as TDeliveryFacts,
    ref,
    attempt: 1,
  });

  it('posts a card and returns its ref; updates it in place the next time', async () => {
    const bodies: string[] = [];
    nock(host)
      .post('/api/chat.postMessage', (b: string | Record<string, string>) => {
        bodies.push(typeof b === 'string' ? b : new URLSearchParams(b).toString());
        return true;
      })
      .reply(200, { ok: true, channel: 'C0TRIAGE1', ts: '111.222' })
      .post('/api/chat.update', (b: Record<string, string>) => b.channel === 'C0TRIAGE1' && b.ts === '111.222')
      .reply(200, { ok: true });
    expect(await sender().send(envelope())).toEqual({ ref: { conversation: 'C0TRIAGE1', message: '111.222' } });
    expect(new URLSearchParams(bodies[0]).get('channel')).toBe('C0TRIAGE1');
    expect(await sender().send(envelope({ conversation: 'C0TRIAGE1', message: '111.222' }))).toEqual({
      ref: { conversation: 'C0TRIAGE1', message: '111.222' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('turns a 429 into RetryAfterError with Retry-After in milliseconds', async () => {
    nock(host).post('/api/chat.postMessage').reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
    const err = await sender()
      .send(envelope())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryAfterError);
    expect((err as RetryAfterError).retryAfterMs).toBe(7000);
  });

  it.each(['channel_not_found', 'not_in_channel', 'account_inactive'])('%s is permanent', async (error) => {
    nock(host).post('/api/chat.postMessage').reply(200, { ok: false, error });
    const err = await sender()
      .send(envelope())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentDeliveryError);
    expect((err as Error).message).toBe(error);
  });

  it('other failures are thrown as they are, for the job to retry with backoff', async () => {
    nock(host).post('/api/chat.postMessage').reply(200, { ok: false, error: 'internal_error' });
    const err = await sender()
      .send(envelope())
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PermanentDeliveryError);
    expect(err).not.toBeInstanceOf(RetryAfterError);
  });

  it('a card deleted in Slack is posted again', async () => {
    nock(host)
      .post('/api/chat.update')
      .reply(200, { ok: false, error: 'message_not_found' })
      .post('/api/chat.postMessage')
      .reply(200, { ok: true, channel: 'C0TRIAGE1', ts: '333.444' });
    expect(await sender().send(envelope({ conversation: 'C0TRIAGE1', message: '111.222' }))).toEqual({
      ref: { conversation: 'C0TRIAGE1', message: '333.444' },
    });
  });
});
