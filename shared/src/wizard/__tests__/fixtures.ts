import type { TTicketCategory, TTicketPriority } from '../../domain.js';
import { next, start } from '../machine.js';
import type {
  TArticleSuggestion,
  TClassification,
  TWizardEnv,
  TWizardInput,
  TWizardResult,
  TWizardStartOptions,
  TWizardState,
} from '../schemas.js';

export const articles = {
  vpn: { slug: 'vpn-reconnect', title: 'Reconnect to the VPN', snippet: 'Quit the VPN client and sign in again.' },
  printerQueue: { slug: 'printer-queue', title: 'Clear a stuck print queue', snippet: 'Restart the spooler.' },
  printerDriver: { slug: 'printer-driver', title: 'Install the printer driver', snippet: 'Use Self Service.' },
} satisfies Record<string, TArticleSuggestion>;

/** Keyword rules standing in for the kb search and classifier: deterministic, like the real ones. */
const searchRules: Array<[RegExp, TArticleSuggestion[]]> = [
  [/vpn/i, [articles.vpn]],
  [/print/i, [articles.printerQueue, articles.printerDriver]],
];
const classifyRules: Array<[RegExp, TClassification]> = [
  [/phishing/i, { priority: 'urgent', category: 'security' }],
  [/server down/i, { priority: 'high', category: 'network' }],
  [/vpn/i, { priority: 'medium', category: 'network' }],
  [/print/i, { priority: 'low', category: 'hardware' }],
];

export const t0 = '2026-01-05T09:00:00.000Z';

export interface TTestEnv extends TWizardEnv {
  advance(ms: number): void;
  calls: { suggest: string[]; classify: string[] };
}

export function makeEnv(start = t0): TTestEnv {
  let current = Date.parse(start);
  const calls = { suggest: [] as string[], classify: [] as string[] };
  return {
    calls,
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    suggestArticles(text) {
      calls.suggest.push(text);
      return searchRules.find(([re]) => re.test(text))?.[1] ?? [];
    },
    classify(text) {
      calls.classify.push(text);
      return classifyRules.find(([re]) => re.test(text))?.[1] ?? { priority: 'low', category: 'other' };
    },
  };
}

export const text = (value: string): TWizardInput => ({ type: 'text', text: value });
export const choice = (value: string): TWizardInput => ({ type: 'choice', value });

/** Feed inputs one after the other; returns every result (the last one is the current). */
export function play(env: TWizardEnv, from: TWizardResult, inputs: readonly TWizardInput[]): TWizardResult[] {
  const results = [from];
  let current = from;
  for (const input of inputs) {
    current = next(current.state, input, env);
    results.push(current);
  }
  return results;
}

export function last<T>(items: readonly T[]): T {
  const item = items.at(-1);
  if (item === undefined) throw new Error('no items');
  return item;
}

/** Answers that lead from `start` to the given step for "My VPN drops every few minutes". */
export const vpnDescription = 'My VPN drops every few minutes since this morning.';
const pathTo = {
  describe: [],
  suggest: [text(vpnDescription)],
  category: [text(vpnDescription), choice('need_help')],
  impact: [text(vpnDescription), choice('need_help'), choice('network')],
  details: [
    text(vpnDescription),
    choice('need_help'),
    choice('network'),
    { type: 'choices', values: ['me', 'slowed'] },
  ],
  summary: [
    text(vpnDescription),
    choice('need_help'),
    choice('network'),
    { type: 'choices', values: ['me', 'slowed'] },
    choice('skip'),
  ],
} satisfies Record<string, TWizardInput[]>;
export type TPathStep = keyof typeof pathTo;
export const pathSteps = Object.keys(pathTo) as TPathStep[];

/** A state at `step`, reached by real inputs, with its env. */
export function at(step: TPathStep, options: TWizardStartOptions = {}): { env: TTestEnv; result: TWizardResult } {
  const env = makeEnv();
  const result = last(play(env, start(options, env), pathTo[step]));
  if (result.state.step !== step) throw new Error(`expected ${step}, got ${result.state.step}`);
  return { env, result };
}

/** A summary state with the given answers, reached by real inputs. */
export function summaryWith(answers: {
  description: string;
  category: TTicketCategory;
  impact: string;
  urgency: string;
  details?: string;
}): { env: TTestEnv; state: TWizardState } {
  const env = makeEnv();
  let result = start({ source: 'slack' }, env);
  result = next(result.state, text(answers.description), env);
  if (result.state.step === 'suggest') result = next(result.state, choice('need_help'), env);
  result = next(result.state, choice(answers.category), env);
  result = next(result.state, { type: 'choices', values: [answers.impact, answers.urgency] }, env);
  result = next(result.state, answers.details ? text(answers.details) : choice('skip'), env);
  if (result.state.step !== 'summary') throw new Error(`expected summary, got ${result.state.step}`);
  return { env, state: result.state };
}

export type { TTicketPriority };
