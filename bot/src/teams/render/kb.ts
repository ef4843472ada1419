import type { TKbArticle, TKbSearchHit } from '@deskmate/shared';
import { actionData } from './actions.js';
import { buttonRows, card, clip, heading, openUrl, plain, submit, text, type TCard, type TJson } from './card.js';
import { articleUrl, type TLinks } from './links.js';

/**
 * The knowledge base in Teams: the answer to `help <words>` and an article with "Did this help?".
 * Pure presenters, like Slack's: what is found and recorded is the API's.
 */

/** What "Did this help?" has come to on an article card. */
export type TKbFeedbackState = 'ask' | 'helped' | 'not_helped' | 'ticket';

/** The article text shown on a card; longer articles end with a link to the rest (Teams' size limit). */
export const KB_ARTICLE_CARD_MAX = 8000;

export const kbHelpUsage =
  'Type **help** followed by a few words to search the help articles, for example *help vpn keeps disconnecting*. ' +
  "Or just tell me what's wrong and I'll open a ticket.";

/**
 * Article markdown as Adaptive Card text (which knows bold, italics, lists and links, not
 * headings): headings become bold lines. Articles are written by Deskmate's admins.
 */
export function toCardMarkdown(markdown: string): string[] {
  return markdown
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) =>
      paragraph
        .split(/\r?\n/)
        .map((line) => {
          const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
          return h ? `**${h[1]!.replace(/\*\*/g, '')}**` : line;
        })
        .join('\n')
        .trim(),
    )
    .filter(Boolean);
}

const ticketButton = (q: string, slug?: string) =>
  submit('Open a ticket', actionData.kbTicket(clip(q, 500), slug), { style: 'positive' });

/** `help <words>`: the top articles, each with View, then "Still need help? Open a ticket". */
export function renderKbResultsCard(query: string, hits: readonly TKbSearchHit[], links: TLinks): TCard {
  const body: TJson[] = [];
  if (hits.length) {
    body.push(text('Help articles for', { isSubtle: true, size: 'Small' }), heading(clip(query, 200)));
    for (const hit of hits) {
      body.push({
        type: 'Container',
        style: 'emphasis',
        spacing: 'Medium',
        items: [
          plain(clip(hit.title, 300), { weight: 'Bolder' }),
          plain(clip(hit.snippet, 500), { isSubtle: true }),
          {
            type: 'ActionSet',
            actions: [
              submit('View', actionData.kbView(hit.slug, clip(query, 500)), { inputs: false }),
              openUrl('Open in browser', articleUrl(links, hit.slug)),
            ],
          },
        ],
      });
    }
  } else {
    body.push(text('I found no help article for', { isSubtle: true, size: 'Small' }), heading(clip(query, 200)));
  }
  body.push(text('Still need help?', { weight: 'Bolder', spacing: 'Large' }));
  body.push(...buttonRows([ticketButton(query)]));
  return card(body);
}

function feedback(state: TKbFeedbackState, article: Pick<TKbArticle, 'slug' | 'title'>, q: string): TJson[] {
  const words = q || article.title;
  switch (state) {
    case 'ask':
      return [
        text('Did this help?', { weight: 'Bolder', spacing: 'Large' }),
        ...buttonRows([
          submit('Yes', actionData.kbHelpful(article.slug, q, true), { style: 'positive', inputs: false }),
          submit('No', actionData.kbHelpful(article.slug, q, false), { inputs: false }),
        ]),
      ];
    case 'helped':
      return [text('✅ Glad it helped. Thanks for telling us!', { spacing: 'Large' })];
    case 'not_helped':
      return [
        text('Sorry it didn’t help. Thanks for telling us. **Still need help?**', { spacing: 'Large' }),
        ...buttonRows([ticketButton(words, article.slug)]),
      ];
    case 'ticket':
      return [text("I've started a request below: answer a few quick questions there.", { spacing: 'Large' })];
  }
}

/** An article: its text (cut to fit a card), a link to it in Deskmate, and "Did this help?" as it stands. */
export function renderKbArticleCard(
  article: Pick<TKbArticle, 'slug' | 'title' | 'body'>,
  q: string,
  state: TKbFeedbackState,
  links: TLinks,
): TCard {
  const url = articleUrl(links, article.slug);
  const paragraphs: TJson[] = [];
  let used = 0;
  let cut = false;
  for (const paragraph of toCardMarkdown(article.body)) {
    if (used + paragraph.length > KB_ARTICLE_CARD_MAX) {
      cut = true;
      if (!paragraphs.length) paragraphs.push(text(clip(paragraph, KB_ARTICLE_CARD_MAX)));
      break;
    }
    used += paragraph.length;
    paragraphs.push(text(paragraph));
  }
  return card([
    text('Help article', { isSubtle: true, size: 'Small' }),
    heading(clip(article.title, 300)),
    ...paragraphs,
    ...(cut ? [text('…the rest is in Deskmate.', { isSubtle: true })] : []),
    { type: 'ActionSet', actions: [openUrl(cut ? 'Read the rest in Deskmate' : 'Open in browser', url)] },
    ...feedback(state, article, q),
  ]);
}
