import type { types } from '@slack/bolt';
import type { TChatSession } from '@deskmate/shared';
import { ids, articleUrl, ticketUrl, type Links } from './ids.js';
import { actions, button, context, cut, esc, fields, link, message, section, type SlackMessage } from './limits.js';
import { slackDate } from './ticket.js';

/**
 * A wizard prompt as a Slack message. Pure: the prompt's text, articles, summary and choices
 * become blocks; every button carries its step and choice value (action id) and the conversation
 * it belongs to (value). Text answers are typed as messages in the DM.
 */
export function wizardMessage(session: TChatSession, links: Links): SlackMessage {
  const p = session.prompt;
  const blocks: types.KnownBlock[] = [];
  const value = session.id;
  if (p.notice) blocks.push(context(`:information_source: ${esc(p.notice)}`));
  if (p.error) blocks.push(section(`:warning: ${esc(p.error)}`));
  blocks.push(section(esc(p.text)));

  for (const a of p.articles ?? []) {
    blocks.push(section(`:page_facing_up: *${link(articleUrl(links, a.slug), a.title)}*\n${esc(a.snippet)}`));
  }

  const s = p.summary;
  if (s) {
    blocks.push(section(`*${esc(s.title)}*\n${esc(s.description)}${s.descriptionTruncated ? ' _(cut)_' : ''}`));
    if (s.details) blocks.push(section(`*Details*\n${esc(s.details)}`));
    blocks.push(
      fields([
        ['Category', esc(s.category.label)],
        ['Priority', esc(s.priority.label)],
        ['Who is affected', esc(s.impact.label)],
        ['How much it blocks', esc(s.urgency.label)],
      ]),
    );
  }

  for (const group of p.groups ?? []) {
    blocks.push(section(`*${esc(group.label)}*`));
    blocks.push(
      ...actions(
        group.choices.map((c) =>
          button(
            ids.wizardChoice(p.step, c.value),
            group.selected === c.value ? `✓ ${c.label}` : c.label,
            value,
            group.selected === c.value ? 'primary' : undefined,
          ),
        ),
      ),
    );
  }

  if (p.choices?.length) {
    blocks.push(...actions(p.choices.map((c) => button(ids.wizardChoice(p.step, c.value), c.label, value, c.style))));
  }

  if (p.input) {
    const hint = p.input.optional
      ? 'Type your answer as a message, or pick an option above.'
      : 'Type your answer as a message.';
    const current = p.input.value ? `Now: ${esc(cut(p.input.value, 500))}` : undefined;
    blocks.push(context(...[`:keyboard: ${hint}`, ...(current ? [current] : [])]));
  }

  if (p.ticket) {
    const url = ticketUrl(links, p.ticket.key, false);
    blocks.push(
      fields([
        ['Ticket', link(url, p.ticket.key)],
        ['First response by', slackDate(p.ticket.firstResponseDueAt)],
      ]),
    );
    blocks.push(context('Updates come to this chat, each ticket in its own thread. Reply there to add to the ticket.'));
  }

  const nav: types.Button[] = [];
  if (!p.final && p.nav.back) nav.push(button(ids.wizardBack, 'Back', value));
  if (!p.final && p.nav.cancel) nav.push(button(ids.wizardCancel, 'Cancel', value));
  if (nav.length) blocks.push(...actions(nav));
  if (!p.final) blocks.push(context(`Step ${p.progress.current} of ${p.progress.total}`));

  return message(p.error ? `${p.error} ${p.text}` : p.text, blocks);
}
