import { wizardLimits } from './schemas.js';

/** Trim, unify line breaks, drop trailing spaces on lines and cut to `max` characters. */
export function cleanText(raw: string, max: number): { text: string; truncated: boolean } {
  const text = raw
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (text.length <= max) return { text, truncated: false };
  return { text: text.slice(0, max).trimEnd(), truncated: true };
}

const leadingGreeting =
  /^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))(?:\s+(?:there|team|all|everyone|folks|it|deskmate))?\s*[,!.:;-]*\s+/i;
/** A first sentence shorter than this ("Help!") is joined with the next one. */
const shortSentence = 15;

/**
 * The ticket title: the first sentence of the first line, greeting removed, at most 120
 * characters (cut at a word with an ellipsis), in the requester's own casing: changing the first
 * letter turned "vpn" into "Vpn" and "iPhone" into "IPhone".
 */
export function deriveTitle(description: string): string {
  const firstLine = description
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!firstLine) return 'Help request';
  const line = firstLine.replace(leadingGreeting, '').replace(/\s+/g, ' ') || firstLine;

  // Sentences end at . ! or ? followed by a space, so "v1.2" or "example.com" are not cut.
  const sentences = line.split(/(?<=[.!?])\s+/);
  let title = '';
  for (const sentence of sentences) {
    title = title ? `${title} ${sentence}` : sentence;
    if (title.length >= shortSentence) break;
  }
  title = title.replace(/[\s.,;:]+$/, '');
  if (title.length > wizardLimits.titleMax) title = cutAtWord(title, wizardLimits.titleMax);
  return title || 'Help request';
}

/** A title the user typed: one line, trimmed, cut to the maximum. */
export function cleanTitle(raw: string): { text: string; truncated: boolean } {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text.length <= wizardLimits.titleMax) return { text, truncated: false };
  return { text: cutAtWord(text, wizardLimits.titleMax), truncated: true };
}

function cutAtWord(text: string, max: number): string {
  const room = text.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  const cut = space > max / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s.,;:]+$/, '')}…`;
}
