import { useSyncExternalStore } from 'react';

/** One ticking clock for the whole page, so that a hundred SLA timers cost one timer. */
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time in ms, updated every second while a component uses it. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
