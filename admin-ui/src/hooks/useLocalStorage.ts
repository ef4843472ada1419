import { useCallback, useState } from 'react';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/**
 * A string kept in localStorage (quietly in memory only when storage is unavailable). When the
 * key changes (another ticket, another user) the value is read again for the new key.
 */
export function useLocalStorage(key: string): [string | null, (value: string | null) => void] {
  const [state, setState] = useState(() => ({ key, value: read(key) }));
  let current = state;
  if (state.key !== key) {
    current = { key, value: read(key) };
    setState(current);
  }
  const set = useCallback(
    (next: string | null) => {
      setState({ key, value: next });
      try {
        if (next === null) localStorage.removeItem(key);
        else localStorage.setItem(key, next);
      } catch {
        // private mode or full storage: keep the in-memory value
      }
    },
    [key],
  );
  return [current.value, set];
}
