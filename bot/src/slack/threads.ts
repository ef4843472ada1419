import type { WebClient } from '@slack/web-api';
import { ApiError, refusedRole, type TMessageRefTicket } from '@deskmate/shared';
import { attachToEvent, sharedLine, type TChatFile } from '../files.js';
import { userMessage, type SlackContext } from './context.js';

/** Which ticket a thread belongs to, when its first message is one Deskmate sent (a DM thread, a triage card). */
export async function ticketThread(
  ctx: SlackContext,
  conversation: string,
  threadTs: string,
): Promise<TMessageRefTicket | null> {
  try {
    return await ctx
      .api()
      .api.integrations.messageRef({ query: { channel: 'slack', conversation, message: threadTs } });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export interface ThreadMessage {
  user: string;
  channel: string;
  ts: string;
  threadTs: string;
  text: string;
  files: TChatFile[];
}

/**
 * Visibility by construction: where a message is written decides what it becomes. In a person's
 * DM thread of a ticket it is a public reply; in the triage card's thread an internal note
 * (agents only), which no requester is ever sent. Files shared with it belong to that reply or
 * note, and so are exactly as visible.
 */
export async function threadMessage(
  ctx: SlackContext,
  client: WebClient,
  thread: TMessageRefTicket,
  m: ThreadMessage,
): Promise<void> {
  // The identity first: the API acts for this Slack user (and decides what they may do).
  await ctx.identity(client, m.user);
  const params = { key: thread.ticketKey };
  const api = ctx.as(m.user);
  const body = m.text || sharedLine(m.files);
  if (thread.visibility === 'internal') {
    // Notes are for agents: the API refuses anyone else, and that refusal is told to them alone.
    const notAnAgent = async (err: unknown) => {
      if (refusedRole(err) !== 'agent') return false;
      await client.chat.postEphemeral({
        channel: m.channel,
        user: m.user,
        thread_ts: m.threadTs,
        text: `Only IT agents can add notes to ${thread.ticketKey}; your message was not added to the ticket.`,
      });
      return true;
    };
    await act(
      ctx,
      client,
      m,
      thread.ticketKey,
      () => api.api.tickets.note({ params, body: { body } }),
      'lock',
      notAnAgent,
    );
    return;
  }
  await act(
    ctx,
    client,
    m,
    thread.ticketKey,
    () => api.api.tickets.reply({ params, body: { body } }),
    'white_check_mark',
  );
}

/**
 * Do it, then attach the message's files to what it became, then mark the message with a
 * reaction; a refusal (of the message or of a file) is answered in the thread.
 */
async function act(
  ctx: SlackContext,
  client: WebClient,
  m: ThreadMessage,
  key: string,
  work: () => Promise<{ event: { id: string } }>,
  done: string,
  /** Answers a refusal its own way (true) instead of the generic warning in the thread. */
  onRefusal?: (err: unknown) => Promise<boolean>,
): Promise<void> {
  let eventId: string;
  try {
    eventId = (await work()).event.id;
  } catch (err) {
    if (await onRefusal?.(err)) return;
    await client.chat.postMessage({ channel: m.channel, thread_ts: m.threadTs, text: `:warning: ${userMessage(err)}` });
    return;
  }
  const refused = (await attachToEvent(ctx.as(m.user), key, eventId, m.files)).filter((f) => !f.kept);
  if (refused.length) {
    await client.chat.postMessage({
      channel: m.channel,
      thread_ts: m.threadTs,
      text: refused.map((f) => `:warning: ${f.message}`).join('\n'),
    });
  }
  await client.reactions.add({ channel: m.channel, timestamp: m.ts, name: done });
}
