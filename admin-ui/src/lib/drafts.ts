/**
 * Unsent replies and internal notes, kept in this browser per person, ticket and kind, so that a
 * reload or a new sign-in after the session expired finds them again. Sending clears one; signing
 * out on purpose clears all of that person's (a shared computer keeps nobody's words).
 */
export type TDraftKind = 'reply' | 'note';

const prefix = 'deskmate:draft:';

export const draftKey = (userId: string, ticketKey: string, kind: TDraftKind): string =>
  `${prefix}${userId}:${ticketKey}:${kind}`;

type TStorage = Pick<Storage, 'length' | 'key' | 'getItem' | 'removeItem'>;

/** This person's drafts that have text: their storage keys. */
export function draftsOf(storage: TStorage, userId: string): string[] {
  const mine = `${prefix}${userId}:`;
  const out: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(mine) && storage.getItem(key)?.trim()) out.push(key);
    }
  } catch {
    // storage unavailable: nothing was kept
  }
  return out;
}

/** Forget every draft of this person (empty ones included); returns how many had text. */
export function clearDrafts(storage: TStorage, userId: string): number {
  const mine = `${prefix}${userId}:`;
  const withText = draftsOf(storage, userId).length;
  try {
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(mine)) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
  } catch {
    // storage unavailable: nothing to clear
  }
  return withText;
}
