import { ApiError } from '@deskmate/shared';
import type { TurnContext } from 'botbuilder';
import type { TPerson } from '../identity.js';
import {
  kbHelpUsage,
  renderKbArticleCard,
  renderKbResultsCard,
  renderNoticeCard,
  type TCardAction,
  type TKbFeedbackState,
} from '../render/index.js';
import { cardMessage, clickedCard, replaceCard, type TeamsDeps } from './deps.js';
import { showPrompt } from './wizard.js';

/** How many articles `help <words>` shows. */
export const KB_RESULTS = 5;
const gone = 'This article is no longer available.';

type TKbAction = Extract<TCardAction, { dm: 'kb-view' | 'kb-helpful' | 'kb-ticket' }>;

/** `help <words>` in the personal chat: the top articles for the words, as the person may read them. */
export async function onHelpRequest(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  words: string,
): Promise<void> {
  if (!words) {
    await context.sendActivity(kbHelpUsage);
    return;
  }
  const hits = await person.as.kb.search(words, KB_RESULTS);
  await context.sendActivity(cardMessage(renderKbResultsCard(words, hits, deps.links()), `Help articles for ${words}`));
}

async function article(person: TPerson, slug: string) {
  try {
    return await person.as.kb.article(slug);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

async function showArticle(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  action: { slug: string; q: string },
  state: TKbFeedbackState,
): Promise<void> {
  const card = clickedCard(context);
  if (!card) return;
  const found = await article(person, action.slug);
  await replaceCard(
    context,
    card,
    found ? renderKbArticleCard(found, action.q, state, deps.links()) : renderNoticeCard(gone),
  );
}

/**
 * The knowledge base's buttons: View sends the article as a new card (the results stay above it);
 * "Did this help?" is recorded and the article card shows the answer; "Open a ticket" starts the
 * wizard with the words (already searched: no articles offered again).
 */
export async function onKbAction(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  action: TKbAction,
): Promise<void> {
  switch (action.dm) {
    case 'kb-view': {
      const found = await article(person, action.slug);
      if (!found) {
        await context.sendActivity(gone);
        return;
      }
      await context.sendActivity(cardMessage(renderKbArticleCard(found, action.q, 'ask', deps.links()), found.title));
      await person.as.kb.view(action.slug);
      return;
    }
    case 'kb-helpful':
      await person.as.kb.feedback(action.slug, { helpful: action.helpful, ...(action.q ? { query: action.q } : {}) });
      return showArticle(deps, context, person, action, action.helpful ? 'helped' : 'not_helped');
    case 'kb-ticket': {
      const session = await person.as.startSession(context.activity.conversation.id, action.q, {
        offerArticles: false,
      });
      if (action.slug) await showArticle(deps, context, person, { slug: action.slug, q: action.q }, 'ticket');
      await showPrompt(deps, context, person, session, { previous: null });
      return;
    }
  }
}
