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
  files?: unknown;
}

/** Only messages people wrote (plain or with files); edits, joins and bots (this one too) are skipped. */
const fromPerson = (m: IncomingMessage): m is IncomingMessage & { user: string } =>
  (m.subtype === undefined || m.subtype === 'file_share') && !m.bot_id && typeof m.user === 'string';

const isThreadReply = (m: IncomingMessage) => m.thread_ts !== undefined && m.thread_ts !== m.ts;

/** The messages acted on: people's, in the DM or as thread replies (the receiver records only these). */
export const wanted = (m: IncomingMessage): m is IncomingMessage & { user: string } =>
  fromPerson(m) && (m.channel_type === 'im' || isThreadReply(m));

/**
 * Messages: in the DM, a thread reply under a ticket goes to that ticket and anything else drives
 * the wizard; in channels only threads under Deskmate's own messages (triage cards) matter. Files
 * shared with them go where the message goes.
 */
export async function onMessage({ event, client }: EventArgs<'message'>, ctx: SlackContext): Promise<void> {
  const m = event as unknown as IncomingMessage;
  if (!wanted(m)) return;
  const inThread = isThreadReply(m);
  const text = fromSlack(m.text).trim();
  const files = ctx.files(m.files);
  if (inThread) {
    const thread = await ticketThread(ctx, m.channel, m.thread_ts!);
    if (thread) {
      if (text || files.length)
        await threadMessage(ctx, client, thread, {
          user: m.user,
          channel: m.channel,
          ts: m.ts,
          threadTs: m.thread_ts!,
          text,
          files,
        });
      return;
    }
  }
  if (m.channel_type === 'im' && (text || files.length)) await typedInDm(ctx, client, m.user, m.channel, text, files);
}
