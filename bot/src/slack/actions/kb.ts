import type { types } from '@slack/bolt';
import { ApiError, type TKbArticle } from '@deskmate/shared';
import { KB_RESULTS } from '../commands/help.js';
import { userMessage, type SlackContext } from '../context.js';
import { startConversation } from '../conversation.js';
import { ids } from '../render/ids.js';
import {
  kbArticleModal,
  kbNoticeModal,
  kbSearchModal,
  QUERY_MAX,
  ZArticleMeta,
  ZViewValue,
  type TFeedbackState,
} from '../render/kb.js';
import type { ActionArgs, ActionHandler } from './types.js';

/**
 * Knowledge-base buttons: Enter in the search modal, View on a result, "Did this help?" in an
 * article modal, and "Open a ticket" (from the article modal or the `/ticket help` answer).
 * Searches and answers go to the API as the person; the wizard takes over for a ticket.
 */

function parseJson(raw: string | undefined): unknown {
  try {
    return raw ? (JSON.parse(raw) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

const valueOf = (action: ActionArgs['action']) =>
  action.type === 'button' || action.type === 'plain_text_input' ? (action.value ?? '') : '';

/** The modal a click came from, if it came from one. */
const viewOf = (body: ActionArgs['body']) => (body.view && body.view.type === 'modal' ? body.view : undefined);

/** A refusal the API words for people (4xx) is only told; anything else is a bug: told, then thrown. */
const isRefusal = (err: unknown) => err instanceof ApiError && err.status < 500;
const gone = 'This article is no longer available.';

async function search(args: ActionArgs, ctx: SlackContext): Promise<void> {
  const view = viewOf(args.body);
  if (!view) return;
  const user = args.body.user.id;
  const query = valueOf(args.action).replace(/\s+/g, ' ').trim().slice(0, QUERY_MAX);
  const links = ctx.links();
  if (!query) {
    await args.client.views.update({ view_id: view.id, view: kbSearchModal(links) });
    return;
  }
  await ctx.identity(args.client, user);
  const hits = await ctx.kb(user).search(query, KB_RESULTS);
  await args.client.views.update({ view_id: view.id, view: kbSearchModal(links, { query, hits }) });
}

async function open(args: ActionArgs, ctx: SlackContext): Promise<void> {
  const parsed = ZViewValue.safeParse(parseJson(valueOf(args.action)));
  if (!parsed.success) return;
  const { s: slug, q } = parsed.data;
  const user = args.body.user.id;
  await ctx.identity(args.client, user);
  const kb = ctx.kb(user);
  let modal: types.ModalView;
  let failure: unknown;
  try {
    modal = kbArticleModal(await kb.article(slug), q, 'ask', ctx.links());
  } catch (err) {
    failure = err;
    modal = kbNoticeModal(err instanceof ApiError && err.status === 404 ? gone : userMessage(err));
  }
  // From the search modal the article goes on top of it (Close returns to the results).
  if (viewOf(args.body)) await args.client.views.push({ trigger_id: args.body.trigger_id, view: modal });
  else await args.client.views.open({ trigger_id: args.body.trigger_id, view: modal });
  if (failure === undefined) await kb.view(slug);
  else if (!isRefusal(failure)) throw failure;
}

async function article(ctx: SlackContext, user: string, slug: string): Promise<TKbArticle | null> {
  try {
    return await ctx.kb(user).article(slug);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

async function showState(
  args: ActionArgs,
  ctx: SlackContext,
  view: { id: string },
  meta: { s: string; q: string },
  state: TFeedbackState,
): Promise<void> {
  const found = await article(ctx, args.body.user.id, meta.s);
  await args.client.views.update({
    view_id: view.id,
    view: found ? kbArticleModal(found, meta.q, state, ctx.links()) : kbNoticeModal(gone),
  });
}

async function helpful(args: ActionArgs, ctx: SlackContext, yes: boolean): Promise<void> {
  const view = viewOf(args.body);
  const meta = ZArticleMeta.safeParse(parseJson(view?.private_metadata));
  if (!view || !meta.success) return;
  const user = args.body.user.id;
  await ctx.identity(args.client, user);
  try {
    await ctx.kb(user).feedback(meta.data.s, { helpful: yes, ...(meta.data.q ? { query: meta.data.q } : {}) });
  } catch (err) {
    await args.client.views.update({ view_id: view.id, view: kbNoticeModal(userMessage(err)) });
    if (isRefusal(err)) return;
    throw err;
  }
  await showState(args, ctx, view, meta.data, yes ? 'helped' : 'not_helped');
}

async function ticket(args: ActionArgs, ctx: SlackContext): Promise<void> {
  const words = valueOf(args.action).trim();
  if (!words) return;
  const user = args.body.user.id;
  // The words were searched already: the wizard goes on without offering the same articles.
  await startConversation(ctx, args.client, user, { text: words, offerArticles: false });
  const view = viewOf(args.body);
  const meta = ZArticleMeta.safeParse(parseJson(view?.private_metadata));
  if (view && meta.success) await showState(args, ctx, view, meta.data, 'ticket');
  else if (!view)
    await args.respond({
      response_type: 'ephemeral',
      replace_original: true,
      text: ":speech_balloon: I've started a request in our direct messages: answer a few quick questions there.",
    });
}

export const kbButtons: ActionHandler = {
  matches: ids.kbPattern,
  async handle(args, ctx) {
    await args.ack();
    const id = args.action.action_id;
    if (id === ids.kbQuery.action) return search(args, ctx);
    if (id.startsWith('kb:view:')) return open(args, ctx);
    if (id === ids.kbHelpful(true) || id === ids.kbHelpful(false))
      return helpful(args, ctx, id === ids.kbHelpful(true));
    if (id === ids.kbTicket) return ticket(args, ctx);
  },
};
