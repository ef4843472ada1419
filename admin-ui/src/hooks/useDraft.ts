import { useCallback, useEffect, useRef } from 'react';
import { useUser } from '../auth/session';
import { draftKey, draftsOf, type TDraftKind } from '../lib/drafts';
import { useLocalStorage } from './useLocalStorage';

type TSetDraft = (next: string | ((current: string) => string)) => void;

/** The signed-in person's draft of a reply or note on a ticket, kept in this browser as they type. */
export function useDraft(ticketKey: string, kind: TDraftKind): [string, TSetDraft] {
  const user = useUser();
  const [stored, setStored] = useLocalStorage(draftKey(user.id, ticketKey, kind));
  const text = stored ?? '';
  const latest = useRef(text);
  useEffect(() => {
    latest.current = text;
  }, [text]);
  const set = useCallback<TSetDraft>(
    (next) => {
      const value = typeof next === 'function' ? next(latest.current) : next;
      latest.current = value;
      setStored(value === '' ? null : value);
    },
    [setStored],
  );
  return [text, set];
}

/**
 * Before a deliberate sign-out, which forgets this person's drafts on this computer: ask when
 * there are some. True to go on.
 */
export function confirmSignOut(userId: string): boolean {
  let count = 0;
  try {
    count = draftsOf(localStorage, userId).length;
  } catch {
    return true;
  }
  if (!count) return true;
  const what = count === 1 ? 'an unsent reply or note' : `${count} unsent replies or notes`;
  return window.confirm(`You have ${what}. Signing out deletes drafts from this computer. Sign out anyway?`);
}
