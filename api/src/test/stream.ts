import { expect } from 'vitest';
import type { TestApp } from './app.js';

export interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
  /** When it arrived (Date.now()). */
  at: number;
}

export interface Stream {
  events: StreamEvent[];
  close(): void;
  /** The first event that matches, once it has arrived. */
  waitFor(predicate: (e: StreamEvent) => boolean, ms?: number): Promise<StreamEvent>;
}

/** A real EventSource-style reader of GET /api/events over fetch, on a test app or any base URL. */
export async function subscribe(app: Pick<TestApp, 'fetch'> | string, cookie: string): Promise<Stream> {
  const controller = new AbortController();
  const get =
    typeof app === 'string' ? (path: string, init: RequestInit) => fetch(new URL(path, app), init) : app.fetch;
  const res = await get('/api/events', {
    headers: { cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events: Stream['events'] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown>, at: Date.now() });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    close: () => controller.abort(),
    async waitFor(predicate, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event in ${ms} ms; got ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
