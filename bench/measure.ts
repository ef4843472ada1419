/**
 * Timing helpers shared by the channel benchmarks (SSE fan-out, Teams activities, inbound email),
 * which time each request or event themselves: they check every answer, so a load generator that
 * only counts status codes would not do.
 */

import autocannon from 'autocannon';

/** One row of the results table, as bench/run.ts prints and stores it. */
export interface BenchResult {
  name: string;
  p50Ms: number;
  p99Ms: number;
  throughput: number;
  unit: string;
}

/** The q-quantile (nearest rank) of a list of milliseconds, to 0.1 ms. */
export function pct(list: readonly number[], q: number): number {
  if (!list.length) return NaN;
  const sorted = [...list].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! * 10) / 10;
}

/**
 * Run `work` once per item with at most `concurrency` in flight, in item order; the time of each
 * call and the wall-clock time of the whole run, in ms.
 */
export async function timedPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<{ times: number[]; elapsedMs: number }> {
  const times: number[] = new Array<number>(items.length);
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      const t0 = performance.now();
      await work(items[i]!, i);
      times[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return { times, elapsedMs: performance.now() - started };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A benchmark's verdict: the run is worthless when the system did not do what was asked. */
export class BenchCheckFailed extends Error {
  constructor(benchmark: string, problems: string[]) {
    super(
      `${benchmark}: ${problems.length} check(s) failed:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`,
    );
    this.name = 'BenchCheckFailed';
  }
}

/**
 * A closed-loop HTTP load with autocannon: `seconds` (after a 2 s warm-up) on `connections`, every
 * answer a 2xx or the run fails; the row of its p50, p99 and requests per second.
 */
export async function load(
  name: string,
  request: {
    url: string;
    method?: 'GET' | 'POST';
    cookie?: string;
    body?: string;
    connections: number;
    seconds: number;
  },
): Promise<BenchResult> {
  const run = (duration: number) =>
    autocannon({
      url: request.url,
      method: request.method ?? 'GET',
      connections: request.connections,
      duration,
      headers: {
        ...(request.cookie ? { cookie: request.cookie } : {}),
        origin: new URL(request.url).origin,
        'content-type': 'application/json',
      },
      ...(request.body ? { body: request.body } : {}),
    });
  await run(2); // warm-up
  const r = await run(request.seconds);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return {
    name,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    throughput: Math.round(r.requests.average),
    unit: 'req/s',
  };
}
