/** A keyboard shortcut: keys pressed in sequence (`g i`), documented in the help overlay. */
export interface TShortcut {
  keys: string;
  description: string;
  section: string;
}

/** Every shortcut the console answers to, in the order the help overlay lists them. */
export const shortcuts: readonly TShortcut[] = [
  { keys: '?', description: 'Show this help', section: 'General' },
  { keys: '/', description: 'Search tickets', section: 'General' },
  { keys: 'g m', description: 'Go to my tickets', section: 'Navigation' },
  { keys: 'g u', description: 'Go to unassigned', section: 'Navigation' },
  { keys: 'g g', description: 'Go to my groups', section: 'Navigation' },
  { keys: 'g a', description: 'Go to all tickets', section: 'Navigation' },
  { keys: 'g r', description: 'Go to at risk', section: 'Navigation' },
  { keys: 'g b', description: 'Go to breached', section: 'Navigation' },
  { keys: 'g n', description: 'Open notifications', section: 'Navigation' },
  { keys: 'j', description: 'Next ticket', section: 'Queue' },
  { keys: 'k', description: 'Previous ticket', section: 'Queue' },
  { keys: 'Enter', description: 'Open the selected ticket', section: 'Queue' },
  { keys: 'x', description: 'Select or unselect for bulk actions', section: 'Queue' },
  { keys: 'c', description: 'Claim (queue or ticket)', section: 'Ticket' },
  { keys: 'r', description: 'Reply', section: 'Ticket' },
  { keys: 'n', description: 'Internal note', section: 'Ticket' },
  { keys: 'Ctrl Enter', description: 'Send the reply or note', section: 'Ticket' },
  { keys: 'Escape', description: 'Close a dialog or go back to the queue', section: 'Ticket' },
];

/** Normalise a keyboard event to the names used above (`g`, `?`, `Enter`, `Escape`). */
export function keyName(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey'>): string {
  return (event.ctrlKey || event.metaKey) && event.key === 'Enter' ? 'Ctrl Enter' : event.key;
}

export type TSequenceMatch = { kind: 'match'; keys: string } | { kind: 'prefix' } | { kind: 'none' };

/** Whether the keys typed so far complete a binding, start one, or neither. */
export function matchSequence(typed: readonly string[], bindings: readonly string[]): TSequenceMatch {
  const sequence = typed.join(' ');
  if (bindings.includes(sequence)) return { kind: 'match', keys: sequence };
  if (bindings.some((b) => b.startsWith(sequence + ' '))) return { kind: 'prefix' };
  return { kind: 'none' };
}

/** Shortcuts stay quiet while someone types in a field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return false;
}
