import { expect } from 'vitest';
import type { TestApp } from './app.js';

export interface Stream {
  events: { event: string; data: Record<string, unknown> }[];
  close(): void;
  waitFor(predicate: (e: { event: string; data: Record<string, unknown> }) => boolean, ms?: number): Promise<void>;
}

/** A real EventSource-style reader of GET /api/events over fetch. */
export async function subscribe(app: TestApp, cookie: string): Promise<Stream> {
  const controller = new AbortController();
  const res = await app.fetch('/api/events', {
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
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
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
      while (!events.some(predicate)) {
        if (Date.now() > deadline) throw new Error(`no matching event in ${ms} ms; got ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
