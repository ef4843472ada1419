/**
 * Adaptive Card building blocks (schema 1.5, as Microsoft Teams renders it). Everything a person
 * typed (titles, descriptions, replies) goes into TextRuns, which Teams shows as plain text: user
 * content can never turn into markdown links or formatting in someone else's card.
 */
export type TJson = { [key: string]: unknown };

export interface TCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  /** Universal Actions: the card asks the bot for this person's own view when it is shown. */
  refresh?: TJson;
  body: TJson[];
  actions?: TJson[];
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Teams shows at most six actions in a row of buttons; we keep rows shorter so titles fit. */
export const MAX_ACTIONS_PER_ROW = 3;

/** Teams refuses messages over about 28 KB; cards stay well under by cutting long user text. */
export const MAX_CARD_BYTES = 24_000;

export function card(body: TJson[], actions: TJson[] = []): TCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
  };
}

/** Our own words (markdown allowed: we write it). */
export function text(value: string, options: TJson = {}): TJson {
  return { type: 'TextBlock', text: value, wrap: true, ...options };
}

/** Someone's words: shown as typed, never interpreted as markdown. */
export function plain(value: string, options: TJson = {}): TJson {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: value, ...options }] };
}

export function heading(value: string): TJson {
  return plain(value, { weight: 'Bolder', size: 'Medium' });
}

/** A label and a value on one line; the value is user content, so it is a TextRun. */
export function fact(label: string, value: string): TJson {
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      { type: 'Column', width: '110px', items: [text(label, { weight: 'Bolder', isSubtle: true })] },
      { type: 'Column', width: 'stretch', items: [plain(value)] },
    ],
  };
}

export interface TSubmitOptions {
  style?: 'positive' | 'destructive' | undefined;
  /** Send (and validate) the card's inputs with this button; default yes. */
  inputs?: boolean;
}

export function submit(title: string, data: TJson, options: TSubmitOptions = {}): TJson {
  return {
    type: 'Action.Submit',
    title,
    data,
    ...(options.style ? { style: options.style } : {}),
    ...(options.inputs === false ? { associatedInputs: 'none' } : {}),
  };
}

/**
 * A Universal Actions button (Action.Execute, answered with a new card by the `adaptiveCard/action`
 * invoke), falling back to the same Action.Submit on Teams clients older than Adaptive Cards 1.4.
 * Both send the same data; the verb only names the action in Teams' logs.
 */
export function execute(title: string, verb: string, data: TJson, options: TSubmitOptions = {}): TJson {
  const fallback = submit(title, data, options);
  return { ...fallback, type: 'Action.Execute', verb, fallback };
}

/** Refresh on display: the people named (Teams user ids, at most 60) get their own view of the card. */
export function refresh(verb: string, data: TJson, userIds: readonly string[]): TJson {
  return { action: { type: 'Action.Execute', verb, data }, userIds: [...userIds] };
}

export function openUrl(title: string, url: string): TJson {
  return { type: 'Action.OpenUrl', title, url };
}

/** Buttons in rows (ActionSets in the body); long titles want one per row. */
export function buttonRows(actions: TJson[], perRow = MAX_ACTIONS_PER_ROW): TJson[] {
  const rows: TJson[] = [];
  for (let i = 0; i < actions.length; i += perRow) {
    rows.push({ type: 'ActionSet', actions: actions.slice(i, i + perRow) });
  }
  return rows;
}

/** Cut long user text so that a card stays within Teams' message size. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}

/**
 * A time in the reader's own time zone and format: Teams expands DATE()/TIME() in TextBlocks.
 * They take RFC 3339 without fractions of a second.
 */
export function when(iso: string): string {
  const t = new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${t}, SHORT)}} {{TIME(${t})}}`;
}
