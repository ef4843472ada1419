import type { types } from '@slack/bolt';
import { z } from 'zod';
import { KB_QUERY_MAX, type TKbArticle, type TKbSearchHit } from '@deskmate/shared';
import { articleUrl, ids, type Links } from './ids.js';
import {
  actions,
  blockLimits,
  button,
  context,
  cut,
  esc,
  link,
  message,
  plain,
  section,
  type SlackMessage,
} from './limits.js';

/**
 * The knowledge base in Slack: the App Home search modal, `/ticket help` answers, and an article
 * in a modal with "Did this help?". Pure presenters; what is searched and recorded is the API's.
 */

/** What a View button carries: the article and the words that found it. */
export const ZViewValue = z.object({ s: z.string().min(1).max(100), q: z.string().max(500) });
export type TViewValue = z.infer<typeof ZViewValue>;
/** What an article modal remembers (private_metadata): the same. */
export const ZArticleMeta = ZViewValue;
/** What the search modal remembers: the words last searched (so "Open a ticket" knows they were). */
export const ZSearchMeta = z.object({ searched: z.string().max(500) });

/** The most words a search takes (the API's limit): longer text is cut. */
export const QUERY_MAX = KB_QUERY_MAX;

/** What "Did this help?" has come to in an article modal. */
export type TFeedbackState = 'ask' | 'helped' | 'not_helped' | 'ticket';

/** Article markdown as Slack mrkdwn: headings and **bold** in bold, bullets, links. */
export function toMrkdwn(markdown: string): string {
  return esc(markdown)
    .split(/\r?\n/)
    .map((line) => {
      const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading) return `*${heading[1]!.replace(/\*\*/g, '')}*`;
      return line.replace(/^(\s*)[-*+]\s+/, '$1• ');
    })
    .join('\n')
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/__(.+?)__/g, '*$1*')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label: string, url: string) => `<${url}|${label}>`);
}

/** The body as sections of whole paragraphs (each within a section's limit); at most `max` of them. */
function bodySections(markdown: string, max: number, more: string): types.SectionBlock[] {
  const limit = blockLimits.sectionText - 100;
  const chunks: string[] = [];
  let current = '';
  for (const paragraph of toMrkdwn(markdown).split(/\n{2,}/)) {
    const piece = cut(paragraph.trim(), limit);
    if (!piece) continue;
    if (current && current.length + piece.length + 2 > limit) {
      chunks.push(current);
      current = piece;
    } else current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) chunks.push(current);
  const shown = chunks.slice(0, max).map((c) => section(c));
  if (chunks.length > max) shown.push(section(`… ${link(more, 'Read the rest in Deskmate')}`));
  return shown;
}

function resultBlocks(hits: readonly TKbSearchHit[], query: string, links: Links): types.KnownBlock[] {
  return hits.map((hit, i) => ({
    ...section(`*${link(articleUrl(links, hit.slug), hit.title)}*\n${esc(cut(hit.snippet, 500))}`),
    accessory: button(ids.kbView(i), 'View', JSON.stringify({ s: hit.slug, q: query } satisfies TViewValue)),
  }));
}

const ticketButton = (query: string, text = 'Open a ticket') =>
  button(ids.kbTicket, text, cut(query, QUERY_MAX), 'primary');

/** The App Home search modal: a field (Enter searches), the results, and "Open a ticket" as its submit. */
export function kbSearchModal(
  links: Links,
  searched?: { query: string; hits: readonly TKbSearchHit[] },
): types.ModalView & { blocks: types.KnownBlock[] } {
  const blocks: types.KnownBlock[] = [
    {
      type: 'input',
      block_id: ids.kbQuery.block,
      dispatch_action: true,
      label: plain('What do you need help with?', 2000),
      hint: plain('Press Enter to search. Nothing fits? Open a ticket with the same words.', 2000),
      element: {
        type: 'plain_text_input',
        action_id: ids.kbQuery.action,
        max_length: QUERY_MAX,
        dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
        placeholder: plain('e.g. vpn keeps disconnecting', 150),
      },
    },
  ];
  if (searched) {
    blocks.push({ type: 'divider' });
    if (searched.hits.length) {
      blocks.push(context(`Articles for “${esc(cut(searched.query, 200))}”:`));
      blocks.push(...resultBlocks(searched.hits, searched.query, links));
    } else {
      blocks.push(section(`No article matches “${esc(cut(searched.query, 200))}”. Try other words, or open a ticket.`));
    }
  }
  return {
    type: 'modal',
    callback_id: ids.kbSearchModal,
    title: plain('Help articles', 24),
    submit: plain('Open a ticket', 24),
    close: plain('Close', 24),
    ...(searched ? { private_metadata: JSON.stringify({ searched: searched.query }) } : {}),
    blocks,
  };
}

/** `/ticket help …`: the top articles, each with View, and "Still need help? Open a ticket". */
export function kbResultsMessage(query: string, hits: readonly TKbSearchHit[], links: Links): SlackMessage {
  const words = esc(cut(query, 200));
  const blocks: types.KnownBlock[] = hits.length
    ? [section(`:mag: *Help articles for “${words}”*`), ...resultBlocks(hits, query, links)]
    : [section(`:mag: I found no help article for “${words}”.`)];
  blocks.push(...actions([ticketButton(query, 'Still need help? Open a ticket')], 'kb_ticket'));
  return message(hits.length ? `Help articles for “${words}”` : `No help article for “${words}”`, blocks);
}

/** How to use `/ticket help`, when it comes without words. */
export const kbHelpUsage =
  'Type `/ticket help` followed by a few words to search the help articles, e.g. `/ticket help vpn keeps disconnecting`.';

function feedbackBlocks(state: TFeedbackState, query: string): types.KnownBlock[] {
  switch (state) {
    case 'ask':
      return [
        { ...section('*Did this help?*'), block_id: 'kb_feedback' },
        ...actions(
          [button(ids.kbHelpful(true), 'Yes', 'yes', 'primary'), button(ids.kbHelpful(false), 'No', 'no')],
          'kb_feedback_buttons',
        ),
      ];
    case 'helped':
      return [section(':white_check_mark: Glad it helped. Thanks for telling us!')];
    case 'not_helped':
      return [
        section('Sorry it didn’t help. Thanks for telling us. *Still need help?*'),
        ...actions([ticketButton(query)], 'kb_ticket'),
      ];
    case 'ticket':
      return [
        section(":speech_balloon: I've started a request in our direct messages: answer a few quick questions there."),
      ];
  }
}

/** An article in a modal: its text, a link to it in Deskmate, and "Did this help?" as it stands. */
export function kbArticleModal(
  article: Pick<TKbArticle, 'slug' | 'title' | 'body'>,
  query: string,
  state: TFeedbackState,
  links: Links,
): types.ModalView & { blocks: types.KnownBlock[] } {
  const url = articleUrl(links, article.slug);
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: plain(article.title, blockLimits.header) },
    // A modal holds 100 blocks: the longest articles end with a link to the rest.
    ...bodySections(article.body, 40, url),
    context(link(url, 'Open in Deskmate')),
    { type: 'divider' },
    ...feedbackBlocks(state, query || article.title),
  ];
  return {
    type: 'modal',
    callback_id: ids.kbArticleModal,
    title: plain('Help article', 24),
    close: plain('Close', 24),
    private_metadata: JSON.stringify({ s: article.slug, q: cut(query, QUERY_MAX) } satisfies TViewValue),
    blocks,
  };
}

/** A short notice in a modal (an article that is gone, say). */
export function kbNoticeModal(text: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: ids.kbArticleModal,
    title: plain('Help article', 24),
    close: plain('Close', 24),
    blocks: [section(esc(text))],
  };
}
