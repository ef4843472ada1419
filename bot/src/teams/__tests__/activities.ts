import { randomUUID } from 'node:crypto';

/**
 * Bot Framework activities as Microsoft Teams sends them to POST /api/messages (fields as seen on
 * the wire: channelId msteams, serviceUrl, from with aadObjectId, conversation with tenantId and
 * conversationType, channelData with tenant / team / channel).
 */
export const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const bot = { id: '28:0b1e6a1c-9a4f-4f3e-8a55-5d0f7b5a2c11', name: 'Deskmate' };
export const team = { id: '19:it-team@thread.tacv2', name: 'IT' };
export const triageChannel = { id: '19:triage@thread.tacv2', name: 'Helpdesk triage' };

export interface TTeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
  email: string;
  personalChat: string;
}

export function teamsUser(name: string, email: string): TTeamsUser {
  const slug = name.toLowerCase().replace(/\W+/g, '-');
  return { id: `29:${slug}`, aadObjectId: randomUUID(), name, email, personalChat: `a:1${slug}-personal` };
}

type TActivity = Record<string, unknown> & { id: string };

let counter = 0;
const nextId = () => `1700000000${String(++counter).padStart(3, '0')}`;

function base(serviceUrl: string, user: TTeamsUser): TActivity {
  return {
    id: nextId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: bot,
    locale: 'en-GB',
    entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web', timezone: 'Europe/London' }],
  };
}

const personal = (user: TTeamsUser) => ({
  conversation: { conversationType: 'personal', tenantId, id: user.personalChat },
  channelData: { tenant: { id: tenantId } },
});

const inChannel = (channel: { id: string; name?: string }, thread?: string) => ({
  conversation: {
    isGroup: true,
    conversationType: 'channel',
    tenantId,
    id: thread ? `${channel.id};messageid=${thread}` : channel.id,
  },
  channelData: { teamsChannelId: channel.id, teamsTeamId: team.id, channel, team, tenant: { id: tenantId } },
});

export const personalMessage = (serviceUrl: string, user: TTeamsUser, text: string): TActivity => ({
  ...base(serviceUrl, user),
  type: 'message',
  textFormat: 'plain',
  text,
  ...personal(user),
});

/** A click on an Action.Submit button of a card the bot sent (`replyToId` is that card). */
export const personalSubmit = (
  serviceUrl: string,
  user: TTeamsUser,
  card: string,
  value: Record<string, unknown>,
): TActivity => ({
  ...base(serviceUrl, user),
  type: 'message',
  replyToId: card,
  value,
  ...personal(user),
});

export const personalInstall = (serviceUrl: string, user: TTeamsUser): TActivity => ({
  ...base(serviceUrl, user),
  type: 'conversationUpdate',
  membersAdded: [{ id: bot.id }],
  ...personal(user),
});

export const teamInstall = (serviceUrl: string, user: TTeamsUser): TActivity => {
  const { channelData, conversation } = inChannel({ id: team.id });
  return {
    ...base(serviceUrl, user),
    type: 'conversationUpdate',
    membersAdded: [{ id: bot.id }],
    conversation,
    channelData: { ...channelData, channel: { id: team.id }, eventType: 'teamMemberAdded' },
  };
};

export const teamUninstall = (serviceUrl: string, user: TTeamsUser): TActivity => {
  const { channelData, conversation } = inChannel({ id: team.id });
  return {
    ...base(serviceUrl, user),
    type: 'conversationUpdate',
    membersRemoved: [{ id: bot.id }],
    conversation,
    channelData: { ...channelData, channel: { id: team.id }, eventType: 'teamMemberRemoved' },
  };
};

/** "@Deskmate <text>" posted in a channel (a new thread: its id is the activity id). */
export const channelMention = (serviceUrl: string, user: TTeamsUser, text: string): TActivity => {
  const activity = base(serviceUrl, user);
  return {
    ...activity,
    type: 'message',
    textFormat: 'plain',
    text: `<at>${bot.name}</at> ${text}`,
    entities: [{ type: 'mention', text: `<at>${bot.name}</at>`, mentioned: bot }],
    ...inChannel(triageChannel, activity.id),
  };
};

/** A click on a triage card in the channel: the conversation is the card's thread. */
export const channelSubmit = (
  serviceUrl: string,
  user: TTeamsUser,
  card: string,
  value: Record<string, unknown>,
): TActivity => ({
  ...base(serviceUrl, user),
  type: 'message',
  replyToId: card,
  value,
  ...inChannel(triageChannel, card),
});

/**
 * An invoke as Teams sends it (`type: invoke`, a `name`, a `value`), in someone's personal chat or
 * in the triage channel (a card's thread, when `card` names the card it came from).
 */
export const invoke = (
  serviceUrl: string,
  user: TTeamsUser,
  name: string,
  value: unknown,
  where: { channel?: boolean; card?: string } = {},
): TActivity => {
  const activity = base(serviceUrl, user);
  return {
    ...activity,
    type: 'invoke',
    name,
    value,
    ...(where.card ? { replyToId: where.card } : {}),
    ...(where.channel ? inChannel(triageChannel, where.card) : personal(user)),
  };
};

/** A click on an Action.Execute button (or a refresh): the `adaptiveCard/action` invoke. */
export const execute = (
  serviceUrl: string,
  user: TTeamsUser,
  card: string,
  action: { verb: string; data: Record<string, unknown> },
  where: { channel?: boolean; trigger?: 'manual' | 'automatic' } = {},
): TActivity =>
  invoke(
    serviceUrl,
    user,
    'adaptiveCard/action',
    {
      action: { type: 'Action.Execute', id: '', verb: action.verb, data: action.data },
      trigger: where.trigger ?? 'manual',
    },
    { card, ...(where.channel ? { channel: true } : {}) },
  );

/**
 * A message in a channel thread, without @mentioning the bot: Teams sends these only to apps
 * granted ChannelMessage.Read.Group (RSC). The conversation is the thread of `root`.
 */
export const channelThreadMessage = (
  serviceUrl: string,
  user: TTeamsUser,
  root: string,
  text: string,
  extra: Record<string, unknown> = {},
): TActivity => ({
  ...base(serviceUrl, user),
  type: 'message',
  textFormat: 'plain',
  text,
  ...inChannel(triageChannel, root),
  ...extra,
});
