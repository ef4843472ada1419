import type { TChatIdentity, TDeliveryFacts } from '@deskmate/shared';
import { describe, expect, it } from 'vitest';
import { triageThreadMessage } from './slack/render/notification.js';
import { SlackSender } from './slack/sender.js';
import { planTeamsDeliveries } from './teams/plan.js';
import { renderThreadEventCard } from './teams/render/index.js';
import { facts } from './teams/__tests__/fixtures.js';

/**
 * Requester isolation in chat, by construction: whatever facts a channel is handed, it plans no
 * message of internal content for a requester's DM or personal chat, and the triage threads show
 * the public conversation only. (The API's own guards — notify() drops requesters from internal
 * notifications, `ticket.event` is written for public events only — are tested in api/.)
 */

const secret = 'zebracorn-internal-marker';
const links = { console: 'https://desk.example.com' };
const slackIdentity: TChatIdentity = { provider: 'slack', providerUserId: 'U0ALICE', providerTeamId: null, data: {} };
const teamsIdentity: TChatIdentity = {
  provider: 'teams',
  providerUserId: 'aad-alice',
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

const slack = new SlackSender({ token: 'xoxb-test', triageChannel: 'C0TRIAGE', links: () => links });

/** A notification of internal content (a note), addressed to the requester all the same. */
const internalToRequester = (): TDeliveryFacts => {
  const base = facts();
  return facts({
    notification: { ...base.notification!, type: 'note', body: secret, visibility: 'internal' },
    event: null,
    recipient: { ...base.recipient!, identities: [slackIdentity, teamsIdentity] },
  });
};

/** An internal event of the ticket (a note), as if handed to the triage-thread mirror. */
const internalEvent = (): TDeliveryFacts => {
  const base = facts();
  return facts({
    kind: 'ticket.event',
    notification: null,
    recipient: null,
    event: null,
    events: [{ ...base.event!, kind: 'note', visibility: 'internal', body: secret }],
  });
};

/** A public reply, as a `ticket.event` row's facts carry it. */
const publicEvent = (): TDeliveryFacts =>
  facts({ kind: 'ticket.event', notification: null, recipient: null, event: null, events: [facts().event!] });

describe('requester isolation in chat: internal content never reaches a requester’s DM', () => {
  it('an internal notification is planned for no requester’s DM, in Slack or Teams', () => {
    expect(slack.plan(internalToRequester())).toEqual([]);
    expect(planTeamsDeliveries(internalToRequester())).toEqual([]);
    // The same notification for an agent is planned (so the checks above can fail).
    const toAgent = internalToRequester();
    toAgent.recipient = { ...toAgent.recipient!, user: { ...toAgent.recipient!.user, role: 'agent' } };
    expect(slack.plan(toAgent).map((p) => p.kind)).toEqual(['dm.notification']);
    expect(planTeamsDeliveries(toAgent).map((p) => p.kind)).toEqual(['dm.notification']);
  });

  it('a public reply is planned for the requester’s DM and the triage threads', () => {
    const reply = facts({ recipient: { ...facts().recipient!, identities: [slackIdentity, teamsIdentity] } });
    expect(slack.plan(reply).map((p) => p.kind)).toEqual(['dm.notification']);
    const mirrored = publicEvent();
    expect(slack.plan(mirrored)).toEqual([
      { kind: 'triage.thread', target: 'C0TRIAGE', refKey: { purpose: 'triage_card', ticketId: mirrored.ticket!.id } },
    ]);
    expect(planTeamsDeliveries(mirrored).map((p) => p.kind)).toEqual(['triage.thread']);
  });

  it('an internal event is planned for no thread, and rendered for none', () => {
    expect(slack.plan(internalEvent())).toEqual([]);
    expect(planTeamsDeliveries(internalEvent())).toEqual([]);
    expect(triageThreadMessage(internalEvent(), links)).toBeNull();
    expect(renderThreadEventCard(internalEvent())).toBeNull();
    // The public event renders (so the nulls above mean something).
    const mirrored = publicEvent();
    expect(JSON.stringify(triageThreadMessage(mirrored, links))).toContain('Could you try reinstalling');
    expect(JSON.stringify(renderThreadEventCard(mirrored))).toContain('Could you try reinstalling');
  });
});
