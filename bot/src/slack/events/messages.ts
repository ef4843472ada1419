import type { SlackContext } from '../context.js';
import type { EventArgs } from './types.js';
import { typedInDm } from '../conversation.js';
import { fromSlack } from '../text.js';
import { threadMessage, ticketThread } from '../threads.js';

interface IncomingMessage {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
}

/** Only messages people wrote (plain or with files); edits, joins and bots (this one too) are skipped. */
const fromPerson = (m: IncomingMessage): m is IncomingMessage & { user: string } =>
  (m.subtype === undefined || m.subtype === 'file_share') && !m.bot_id && typeof m.user === 'string';

/**
 * Messages: in the DM, a thread reply under a ticket goes to that ticket and anything else drives
 * the wizard; in channels only threads under Deskmate's own messages (triage cards) matter.
 */
export async function onMessage({ event, body, client }: EventArgs<'message'>, ctx: SlackContext): Promise<void> {
  const m = event as unknown as IncomingMessage;
  if (!fromPerson(m)) return;
  const inThread = m.thread_ts !== undefined && m.thread_ts !== m.ts;
  if (m.channel_type !== 'im' && !inThread) return;
  if (!(await ctx.firstTime(body.event_id))) return;
  const text = fromSlack(m.text).trim();
  if (inThread) {
    const thread = await ticketThread(ctx, m.channel, m.thread_ts!);
    if (thread) {
      if (text)
        await threadMessage(ctx, client, thread, {
          user: m.user,
          channel: m.channel,
          ts: m.ts,
          threadTs: m.thread_ts!,
          text,
        });
      return;
    }
  }
  if (m.channel_type === 'im' && text) await typedInDm(ctx, client, m.user, m.channel, text);
}
