import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';
import type { TCard } from '../render/index.js';

/**
 * The official Adaptive Cards parser (`adaptivecards`). Its main entry does not load under Node;
 * `dist/adaptivecards.js` does, and renders into a DOM that jsdom provides.
 */
interface TValidationEvent {
  event: number;
  message: string;
}
interface TAdaptiveCards {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: TValidationEvent[] };
    render(): HTMLElement | undefined;
  };
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(i: number): TValidationEvent };
  Versions: { v1_5: unknown };
  ValidationEvent: Record<number, string>;
}

let loaded: TAdaptiveCards | undefined;

function adaptiveCards(): TAdaptiveCards {
  if (loaded) return loaded;
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  const g = globalThis as Record<string, unknown>;
  g.window = dom.window;
  g.document = dom.window.document;
  // The renderer checks element classes (instanceof HTMLButtonElement…): lend it jsdom's.
  const win = dom.window as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(win)) {
    if (/^(HTML\w*Element|Element|Node|\w*Event)$/.test(name) && !(name in g)) g[name] = win[name];
  }
  loaded = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as TAdaptiveCards;
  return loaded;
}

/** Every warning and error the parser reports for a card (as schema 1.5), and whether it renders. */
export function checkCard(card: TCard): { problems: string[]; rendered: boolean } {
  const ac = adaptiveCards();
  const parsed = new ac.AdaptiveCard();
  const context = new ac.SerializationContext(ac.Versions.v1_5);
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`${ac.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents)
    problems.push(`${ac.ValidationEvent[e.event]}: ${e.message}`);
  const element = parsed.render();
  return { problems, rendered: Boolean(element && element.childElementCount > 0) };
}

/** Every action set in a card, nested cards included (Teams shows at most six buttons in one). */
export function actionSets(value: unknown): unknown[][] {
  const out: unknown[][] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.actions)) out.push(o.actions);
    Object.values(o).forEach(walk);
  };
  walk(value);
  return out;
}
