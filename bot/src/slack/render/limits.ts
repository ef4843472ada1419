import type { types } from '@slack/bolt';

/** Slack's Block Kit limits that Deskmate's messages can reach. */
export const blockLimits = {
  blocks: 50,
  sectionText: 3000,
  field: 2000,
  fields: 10,
  header: 150,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  optionText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  /** The notification text of a message (shown in push notifications); Slack allows 40,000. */
  fallbackText: 3000,
} as const;

/** Escape user text for mrkdwn: `&`, `<` and `>` would otherwise start entities and links. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link in mrkdwn; the label is escaped and may not contain `|`. */
export function link(url: string, label: string): string {
  return `<${url}|${esc(label).replace(/\|/g, '¦')}>`;
}

/**
 * Text cut to `max` characters. With a `more` link the cut text ends with a link to read the
 * rest in the console; the link is counted within `max`.
 */
export function cut(text: string, max: number, more?: string): string {
  if (text.length <= max) return text;
  const tail = more ? `… ${link(more, 'Read the rest in Deskmate')}` : '…';
  return `${text.slice(0, Math.max(0, max - tail.length)).trimEnd()}${tail}`;
}

/** Plain text (buttons, options, headers) cut to its limit. */
export function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`, emoji: true };
}

export function section(text: string, more?: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, blockLimits.sectionText, more) } };
}

export function context(...texts: string[]): types.ContextBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, blockLimits.contextElements)
      .map((t) => ({ type: 'mrkdwn' as const, text: cut(t, blockLimits.contextText) })),
  };
}

export function fields(pairs: [label: string, value: string][]): types.SectionBlock {
  return {
    type: 'section',
    fields: pairs
      .slice(0, blockLimits.fields)
      .map(([label, value]) => ({ type: 'mrkdwn' as const, text: cut(`*${label}*\n${value}`, blockLimits.field) })),
  };
}

export function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plain(text, blockLimits.buttonText),
    value,
    ...(style ? { style } : {}),
  };
}

/** Split interactive elements into actions blocks of at most 25. */
export function actions(elements: types.ActionsBlockElement[], blockId?: string): types.ActionsBlock[] {
  const blocks: types.ActionsBlock[] = [];
  for (let i = 0; i < elements.length; i += blockLimits.actionsElements) {
    const block: types.ActionsBlock = { type: 'actions', elements: elements.slice(i, i + blockLimits.actionsElements) };
    if (blockId) block.block_id = i === 0 ? blockId : `${blockId}|${i}`;
    blocks.push(block);
  }
  return blocks;
}

/** At most 50 blocks: the rest is replaced by a pointer to the console. */
export function clampBlocks(blocks: types.KnownBlock[], more?: string): types.KnownBlock[] {
  if (blocks.length <= blockLimits.blocks) return blocks;
  const tail = context(more ? `More in ${link(more, 'Deskmate')}` : 'More in Deskmate');
  return [...blocks.slice(0, blockLimits.blocks - 1), tail];
}

/** A message as Deskmate posts it: the notification text and the blocks. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

export function message(text: string, blocks: types.KnownBlock[], more?: string): SlackMessage {
  return { text: cut(text, blockLimits.fallbackText), blocks: clampBlocks(blocks, more) };
}

/** Every limit a rendered message could break, as readable problems (empty when it fits). */
export function limitProblems(blocks: readonly types.KnownBlock[]): string[] {
  const problems: string[] = [];
  if (blocks.length > blockLimits.blocks) problems.push(`${blocks.length} blocks`);
  const ids = new Set<string>();
  const checkId = (id: string | undefined, where: string) => {
    if (id === undefined) return;
    if (id.length > blockLimits.actionId) problems.push(`${where}: action_id of ${id.length} characters`);
    if (ids.has(id)) problems.push(`${where}: duplicate action_id ${id}`);
    ids.add(id);
  };
  blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    if (block.block_id && block.block_id.length > blockLimits.blockId) problems.push(`${at}: long block_id`);
    if (block.type === 'section') {
      if (block.text && block.text.text.length > blockLimits.sectionText)
        problems.push(`${at}: text of ${block.text.text.length} characters`);
      if ((block.fields?.length ?? 0) > blockLimits.fields) problems.push(`${at}: ${block.fields?.length} fields`);
      for (const f of block.fields ?? [])
        if (f.text.length > blockLimits.field) problems.push(`${at}: field of ${f.text.length} characters`);
      if (block.accessory && 'action_id' in block.accessory) checkId(block.accessory.action_id, at);
    }
    if (block.type === 'header' && block.text.text.length > blockLimits.header) problems.push(`${at}: long header`);
    if (block.type === 'context') {
      if (block.elements.length > blockLimits.contextElements)
        problems.push(`${at}: ${block.elements.length} elements`);
      for (const e of block.elements)
        if ('text' in e && e.text.length > blockLimits.contextText) problems.push(`${at}: long context text`);
    }
    if (block.type === 'actions') {
      if (block.elements.length > blockLimits.actionsElements)
        problems.push(`${at}: ${block.elements.length} elements`);
      for (const e of block.elements) {
        checkId(e.action_id, at);
        if (e.type === 'button') {
          if (e.text.text.length > blockLimits.buttonText) problems.push(`${at}: long button text`);
          if ((e.value?.length ?? 0) > blockLimits.buttonValue) problems.push(`${at}: long button value`);
        }
        if (e.type === 'static_select')
          for (const o of e.options ?? [])
            if (o.text.text.length > blockLimits.optionText) problems.push(`${at}: long option text`);
      }
    }
  });
  return problems;
}
