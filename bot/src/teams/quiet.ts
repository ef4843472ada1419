import { AsyncLocalStorage } from 'node:async_hooks';

const levels = ['error', 'warn', 'log', 'info', 'debug', 'trace'] as const;
const muted = new AsyncLocalStorage<true>();
let installed = false;

/**
 * Runs `work` with the console muted for it alone. botbuilder reports a refused token with
 * console.error (a stack, the signing keys in PEM) before it throws; the caller logs the thrown
 * error as one JSON line instead. Other work, including requests running at the same time, still
 * prints: the console methods are wrapped once and only skip calls made inside `work`.
 */
export function withoutConsole<T>(work: () => Promise<T>): Promise<T> {
  if (!installed) {
    installed = true;
    // Wrapping the console is the point here, not printing to it.
    const methods = console as unknown as Record<(typeof levels)[number], (...args: unknown[]) => void>;
    for (const level of levels) {
      const original = methods[level];
      methods[level] = (...args: unknown[]) => {
        if (!muted.getStore()) original.apply(console, args);
      };
    }
  }
  return muted.run(true, work);
}
