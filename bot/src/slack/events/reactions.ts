import type { WebClient } from '@slack/web-api';
import { wizard } from '@deskmate/shared';
import { userMessage, type SlackContext } from '../context.js';
import type { EventArgs } from './types.js';
import { esc } from '../render/limits.js';
import { fromSlack } from '../text.js';

export const TICKET_REACTION = 'ticket';

interface ChannelMessage {
  text?: string;
  user?: string;
  bot_id?: string;
  ts?: string;
}

/** The message a reaction was added to (top level or in a thread). */
async function reactedMessage(client: WebClient, channel: string, ts: string): Promise<ChannelMessage | undefined> {
  const history = await client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
  const top = history.messages?.find((m) => m.ts === ts);
  if (top) return top;
  const replies = await client.conversations.replies({
    channel,
    ts,
    latest: ts,
    oldest: ts,
    inclusive: true,
    limit: 1,
  });
  return replies.messages?.find((m) => m.ts === ts);
}

/**
 * 🎫 on a message in a channel the bot is in: a ticket for the message's author, once per message
 * however many people react, with the key answered in the message's thread.
 */
export async function onReaction({ event, client }: EventArgs<'reaction_added'>, ctx: SlackContext): Promise<void> {
  if (event.reaction !== TICKET_REACTION || event.item.type !== 'message') return;
  const { channel, ts } = event.item;
  if (channel.startsWith('D')) return;
  if (!(await ctx.firstTime(`reaction:${channel}:${ts}`))) return;
  const message = await reactedMessage(client, channel, ts);
  const author = message?.user ?? event.item_user;
  const text = fromSlack(message?.text).trim();
  if (!message || message.bot_id || !author || !text) {
    await client.chat.postEphemeral({
      channel,
      user: event.user,
      text: 'I can only open tickets from messages people wrote, with some text in them.',
    });
    return;
  }
  await ctx.identity(client, author);
  const permalink = await client.chat
    .getPermalink({ channel, message_ts: ts })
    .then((r) => r.permalink)
    .catch(() => undefined);
  try {
    const title = wizard.deriveTitle(text);
    const { ticket } = await ctx.as(author).api.tickets.create({
      body: {
        title: title.length >= 3 ? title : 'Help request',
        description: (permalink ? `${text}\n\n(From ${permalink})` : text).slice(0, 20_000),
      },
    });
    await client.chat.postMessage({
      channel,
      thread_ts: ts,
      text: `:ticket: <@${author}> I've opened *${ticket.key}* for this: ${esc(ticket.title)}. Updates will come to you in a DM.`,
    });
  } catch (err) {
    await client.chat.postEphemeral({
      channel,
      user: event.user,
      text: `:warning: I couldn't open a ticket: ${userMessage(err)}`,
    });
  }
}
