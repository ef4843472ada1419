import { useEffect, useRef } from 'react';
import { isTypingTarget, keyName, matchSequence } from '../lib/shortcuts';

export type TShortcutHandlers = Partial<Record<string, (event: KeyboardEvent) => void>>;

/**
 * Answer keyboard shortcuts (single keys and sequences such as `g m`) while no field has focus.
 * `Ctrl Enter` and `Escape` are answered in fields too.
 */
export function useShortcuts(handlers: TShortcutHandlers, enabled = true): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    let typed: string[] = [];
    let reset: ReturnType<typeof setTimeout> | null = null;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey) return;
      const key = keyName(event);
      const inField = isTypingTarget(event.target);
      if (inField && key !== 'Ctrl Enter' && key !== 'Escape') return;
      // Enter on a focused link or button does what that control says, not a shortcut.
      if (key === 'Enter' && event.target instanceof Element && event.target.closest('a,button,summary,[role="tab"]'))
        return;
      if ((event.ctrlKey || event.metaKey) && key !== 'Ctrl Enter') return;
      const bindings = Object.keys(ref.current);
      typed = [...typed, key];
      const match = matchSequence(typed, bindings);
      if (reset) clearTimeout(reset);
      if (match.kind === 'prefix') {
        reset = setTimeout(() => (typed = []), 1200);
        return;
      }
      typed = [];
      const single = match.kind === 'none' ? matchSequence([key], bindings) : match;
      if (single.kind === 'match') {
        const handler = ref.current[single.keys];
        if (handler) {
          event.preventDefault();
          handler(event);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (reset) clearTimeout(reset);
    };
  }, [enabled]);
}
