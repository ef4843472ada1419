import { describe, expect, it } from 'vitest';
import type { TChatIdentity } from '@deskmate/shared';
import { planTeamsDeliveries, TRIAGE_TARGET } from '../plan.js';
import { facts } from './fixtures.js';

const teamsIdentity: TChatIdentity = {
  provider: 'teams',
  providerUserId: '29:alice',
  providerTeamId: null,
  data: {
    conversationReference: {
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      channelId: 'msteams',
      conversation: { id: 'a:personal-alice' },
      bot: { id: '28:bot' },
    },
  },
};

describe('what Teams plans for a delivery (no SDK needed)', () => {
  it('a ticket change is the triage card, one per ticket', () => {
    const f = facts({ kind: 'ticket.changed', notification: null, recipient: null });
    expect(planTeamsDeliveries(f)).toEqual([
      { kind: 'triage.card', target: TRIAGE_TARGET, refKey: { purpose: 'triage_card', ticketId: f.ticket!.id } },
    ]);
  });

  it('a notification goes to the personal chat of someone who has one', () => {
    const base = facts();
    const withChat = facts({ recipient: { ...base.recipient!, identities: [teamsIdentity] } });
    expect(planTeamsDeliveries(withChat)).toEqual([
      { kind: 'dm.notification', target: 'a:personal-alice', refKey: null },
    ]);
    expect(planTeamsDeliveries(base)).toEqual([]);
  });

  it('sends nothing in chat to someone who asked for email or the digest only', () => {
    const base = facts();
    const emailOnly = facts({ recipient: { ...base.recipient!, identities: [teamsIdentity], wantsChat: false } });
    expect(planTeamsDeliveries(emailOnly)).toEqual([]);
  });
});
