import type { WebClient } from '@slack/web-api';
import { ApiError, ZChatSession, type TChatSession, type wizard } from '@deskmate/shared';
import { attachToSession, type TChatFile } from '../files.js';
import type { SlackContext } from './context.js';
import { userMessage } from './context.js';
import { wizardMessage } from './render/wizard.js';

/**
 * The Slack side of the intake wizard: no flow here. Inputs go to the chat sessions API as the
 * Slack user, in the conversation of their DM with the bot; prompts come back and are rendered.
 */

const startTextMax = 8000;

/**
 * How a conversation starts: from a description (`/ticket …`, a shortcut, "Still need help?") and
 * the message it came from (link, author), or empty.
 */
export interface TPrefill {
  text?: string | undefined;
  sourceUrl?: string | undefined;
  sourceAuthor?: string | undefined;
  /** False when the text was just searched in the knowledge base: offer no articles again. */
  offerArticles?: boolean | undefined;
}

async function current(ctx: SlackContext, slackUserId: string, dm: string): Promise<TChatSession | null> {
  try {
    const res = await ctx.as(slackUserId).api.chat.current({ query: { channel: 'slack', conversation: dm } });
    return res.session;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

async function start(ctx: SlackContext, slackUserId: string, dm: string, prefill: TPrefill): Promise<TChatSession> {
  const text = prefill.text?.trim();
  const res = await ctx.as(slackUserId).api.chat.start({
    body: {
      channel: 'slack',
      conversation: dm,
      ...(text ? { text: text.slice(0, startTextMax) } : {}),
      ...(text && prefill.sourceUrl ? { sourceUrl: prefill.sourceUrl } : {}),
      ...(text && prefill.sourceAuthor ? { sourceAuthor: prefill.sourceAuthor.slice(0, 200) } : {}),
      ...(text && prefill.offerArticles === false ? { offerArticles: false } : {}),
    },
  });
  return res.session;
}

async function input(
  ctx: SlackContext,
  slackUserId: string,
  sessionId: string,
  value: wizard.TWizardInput,
): Promise<TChatSession> {
  try {
    const res = await ctx.as(slackUserId).api.chat.input({ params: { id: sessionId }, body: { input: value } });
    return res.session;
  } catch (err) {
    // Someone else moved the conversation on (another device): show where it is now.
    if (err instanceof ApiError && err.code === 'conflict') {
      const parsed = ZChatSession.safeParse((err.details as { session?: unknown } | undefined)?.session);
      if (parsed.success) return parsed.data;
    }
    throw err;
  }
}

/**
 * `/ticket`, the shortcut, the App Home modals, "Still need help?": start (or resume) the wizard in
 * the person's DM.
 */
export async function startConversation(
  ctx: SlackContext,
  client: WebClient,
  slackUserId: string,
  prefill: TPrefill = {},
): Promise<void> {
  await ctx.identity(client, slackUserId);
  const dm = await ctx.dmChannel(client, slackUserId);
  try {
    const session = await start(ctx, slackUserId, dm, prefill);
    await client.chat.postMessage({ channel: dm, ...wizardMessage(session, ctx.links()) });
  } catch (err) {
    await client.chat.postMessage({ channel: dm, text: `:warning: ${userMessage(err)}` });
    throw err;
  }
}

/**
 * A message typed in the DM: the answer to the current question, or the start of a new request.
 * Files shared with it are kept with the conversation (they go with the ticket it files), before
 * the answer is given, so an answer that files the ticket files them too.
 */
export async function typedInDm(
  ctx: SlackContext,
  client: WebClient,
  slackUserId: string,
  dm: string,
  text: string,
  files: TChatFile[] = [],
): Promise<void> {
  await ctx.identity(client, slackUserId);
  try {
    const live = await current(ctx, slackUserId, dm);
    let session = live && !live.finished ? live : await start(ctx, slackUserId, dm, text ? { text } : {});
    if (files.length) {
      const outcomes = await attachToSession(ctx.as(slackUserId), session.id, files);
      await client.chat.postMessage({
        channel: dm,
        text: outcomes.map((o) => `${o.kept ? ':paperclip:' : ':warning:'} ${o.message}`).join('\n'),
      });
    }
    if (live && !live.finished && text) session = await input(ctx, slackUserId, live.id, { type: 'text', text });
    await client.chat.postMessage({ channel: dm, ...wizardMessage(session, ctx.links()) });
  } catch (err) {
    await client.chat.postMessage({ channel: dm, text: `:warning: ${userMessage(err)}` });
    throw err;
  }
}

/** A wizard button: answer, then show the next question in place of the one clicked. */
export async function clickedInDm(
  ctx: SlackContext,
  client: WebClient,
  where: { user: string; channel: string; ts: string },
  sessionId: string,
  value: wizard.TWizardInput,
): Promise<void> {
  await ctx.identity(client, where.user);
  let session: TChatSession;
  try {
    session = await input(ctx, where.user, sessionId, value);
  } catch (err) {
    // A button of a conversation that is gone: begin again rather than fail.
    if (!(err instanceof ApiError && err.status === 404)) {
      await client.chat.postMessage({ channel: where.channel, text: `:warning: ${userMessage(err)}` });
      throw err;
    }
    session = await start(ctx, where.user, where.channel, {});
  }
  await client.chat.update({ channel: where.channel, ts: where.ts, ...wizardMessage(session, ctx.links()) });
}
