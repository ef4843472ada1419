import type { TTicketPriority } from '@deskmate/shared';
import { readSignals, type TSignal, type TSignals } from './signals.js';

export interface TPolicyDecision {
  /** The priority the policy gives from the signals; undefined when they do not settle it. */
  priority: TTicketPriority | undefined;
  /** When undefined, the priorities the model may still choose between (most likely first). */
  candidates: TTicketPriority[];
  reasons: string[];
}

// Blocked wording that leaves no doubt the person cannot work.
const strongBlocks = new Set(['cannot work at all', 'device will not start', 'nothing works']);

const why = (s: TSignals, signal: TSignal) => (s.fired.get(signal) ?? []).join(', ');

/**
 * The priority policy applied to what a ticket says (see signals.ts):
 * urgent = many people blocked, or a security incident; high = one person fully blocked, or a
 * deadline today; medium = degraded or with a workaround; low = a request, a question, cosmetic.
 * Tone ("URGENT!!!", "no rush") is not a signal: the policy rates impact, not how loud a ticket is.
 */
export function decidePriority(signals: TSignals): TPolicyDecision {
  const has = (signal: TSignal) => signals.has(signal);
  const reasons: string[] = [];
  const decide = (priority: TTicketPriority, because: string): TPolicyDecision => {
    reasons.push(`policy: ${because} (${priority})`);
    return { priority, candidates: [priority], reasons };
  };

  if (has('incident')) return decide('urgent', `security incident: ${why(signals, 'incident')}`);
  const hazard = signals.fired.get('hazard') ?? [];
  if (hazard.includes('fire or smoke') && !has('hypothetical')) return decide('urgent', 'safety hazard: fire or smoke');
  if (hazard.includes('damaged battery'))
    return decide('high', 'safety hazard: damaged battery, stop using the device');

  // Reported after it came right ("working again, ignore my earlier email"): nothing left to do.
  if ((signals.fired.get('noImpact') ?? []).includes('already resolved') && !has('blocked'))
    return decide('low', 'already resolved');

  const broken = has('failure') || has('blocked') || has('sharedOutage');
  const degraded = has('degraded');
  const asking = has('request') || has('question') || has('cosmetic');
  const many = (has('many') || has('sharedOutage')) && !has('justMe');
  const degradedWhy = signals.fired.get('degraded') ?? [];
  const slowOrPartial = degradedWhy.includes('slow or intermittent');

  if (has('hypothetical') && !has('blocked'))
    return decide('low', `question about what might happen: ${why(signals, 'hypothetical')}`);
  // A question about something that works ("is my battery broken? it works fine") has no impact.
  if (asking && has('noImpact') && !has('blocked'))
    return decide('low', `question, nothing affected: ${why(signals, 'noImpact')}`);
  // How something looks, unless it also stops someone or is slow.
  if (has('cosmetic') && !has('blocked') && !many && !has('deadline') && !slowOrPartial)
    return decide('low', `cosmetic: ${why(signals, 'cosmetic')}`);
  if (many && broken && !(asking && !has('failure') && !has('blocked'))) {
    // Many people are only degraded when things still work or the same kind of thing works next
    // door (another printer, another room); tethering to phones does not make a floor's outage minor.
    const realAlternative =
      slowOrPartial || degradedWhy.includes('still usable') || degradedWhy.includes('another one of the same works');
    // People kept waiting (a queue, lorries at the gate, a flight held) are blocked whatever the
    // staff do meanwhile.
    const manyWhy = signals.fired.get('many') ?? [];
    const keptWaiting =
      manyWhy.includes('customers cannot be served') || manyWhy.includes('a service people depend on held up');
    if (realAlternative && !keptWaiting && !has('blocked') && !has('deadline'))
      return decide('medium', `many people, degraded: ${why(signals, 'degraded')}`);
    return decide('urgent', `many people blocked: ${why(signals, 'many') || why(signals, 'sharedOutage')}`);
  }
  if (has('deadline') && (broken || degraded) && !has('noImpact'))
    return decide('high', `deadline today: ${why(signals, 'deadline')}`);
  // "Cannot work at all" outweighs an incidental "sometimes"; only a real workaround softens it.
  const softened =
    degradedWhy.includes('a workaround exists') ||
    degradedWhy.includes('still usable') ||
    degradedWhy.includes('another one of the same works');
  const stronglyBlocked = (signals.fired.get('blocked') ?? []).some((w) => strongBlocks.has(w));
  if (has('blocked') && (!degraded || (stronglyBlocked && !softened)))
    return decide('high', `one person fully blocked: ${why(signals, 'blocked')}`);
  // Slow or on-and-off is degraded however politely it is asked about ("could someone look?");
  // "a bit slow, is it due for replacement?" stays a question.
  if (degraded && (broken || !asking || degradedWhy.includes('slow to work with')))
    return decide('medium', `degraded: ${why(signals, 'degraded')}`);
  if (has('suspectedIncident') && asking) return decide('low', `question about a suspected incident`);
  if (asking && !broken) {
    const kind = has('request') ? 'request' : 'question';
    return decide('low', `${kind}: ${why(signals, kind)}`);
  }
  if (has('noImpact') || (has('future') && !broken))
    return decide('low', `no impact: ${why(signals, 'noImpact') || why(signals, 'future')}`);
  if (has('blocked')) return decide('high', `one person fully blocked: ${why(signals, 'blocked')}`);
  // A suspicious message reported before anyone acted on it: no account or data is at risk yet.
  if (has('suspectedIncident')) return decide('medium', 'suspicious message reported, nothing done with it');
  if (broken && asking) return { priority: undefined, candidates: ['low', 'medium', 'high'], reasons };
  if (broken) return { priority: undefined, candidates: ['medium', 'high'], reasons };
  return { priority: undefined, candidates: ['low', 'medium', 'high', 'urgent'], reasons };
}

/** Convenience for callers with only text. */
export function policyPriority(text: string): TPolicyDecision {
  return decidePriority(readSignals(text));
}
