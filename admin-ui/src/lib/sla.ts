import type { TTicket } from '@deskmate/shared';

/** Share of a target after which a clock is "at risk" when the ticket does not say (policy default 75 %). */
export const DEFAULT_WARNING_PERCENT = 75;

export type TClockState = 'none' | 'met' | 'paused' | 'ok' | 'at_risk' | 'breached';

export interface TClockView {
  label: 'First response' | 'Resolution';
  state: TClockState;
  dueAt: string | null;
  /** Due time minus now (negative once overdue); null without a due time. */
  remainingMs: number | null;
  /** The clock has stopped (answered, resolved): it no longer ticks, met or missed. */
  done: boolean;
}

const closedStatuses = new Set(['resolved', 'closed']);

/**
 * Whether a clock is in its warning window, estimated on the wall clock from creation as a share
 * of the target: only for a ticket without the policy's own warning time (`sla.*WarnAt`).
 */
export function inWarningWindow(createdAt: string, dueAt: string, now: number, warningPercent: number): boolean {
  const start = Date.parse(createdAt);
  const due = Date.parse(dueAt);
  const total = due - start;
  if (total <= 0) return now >= start;
  return now >= start + (total * warningPercent) / 100;
}

function clock(
  ticket: TTicket,
  label: TClockView['label'],
  dueAt: string | null,
  warnAt: string | null,
  breached: boolean,
  done: boolean,
  now: number,
  warningPercent: number,
): TClockView {
  const remainingMs = dueAt ? Date.parse(dueAt) - now : null;
  let state: TClockState;
  if (!dueAt && !breached) state = 'none';
  else if (done) state = breached ? 'breached' : 'met';
  else if (breached || (remainingMs !== null && remainingMs <= 0 && !ticket.sla.paused)) state = 'breached';
  else if (!dueAt) state = 'none';
  else if (ticket.sla.paused) state = 'paused';
  else if (warnAt ? now >= Date.parse(warnAt) : inWarningWindow(ticket.createdAt, dueAt, now, warningPercent))
    state = 'at_risk';
  else state = 'ok';
  return { label, state, dueAt, remainingMs, done };
}

/** The two SLA clocks of a ticket as the console shows them. */
export function slaClocks(ticket: TTicket, now: number, warningPercent = DEFAULT_WARNING_PERCENT): TClockView[] {
  const resolved = closedStatuses.has(ticket.status);
  return [
    clock(
      ticket,
      'First response',
      ticket.sla.firstResponseDueAt,
      ticket.sla.firstResponseWarnAt,
      ticket.sla.firstResponseBreached,
      ticket.firstRespondedAt !== null || resolved,
      now,
      warningPercent,
    ),
    clock(
      ticket,
      'Resolution',
      ticket.sla.resolutionDueAt,
      ticket.sla.resolutionWarnAt,
      ticket.sla.resolutionBreached,
      resolved,
      now,
      warningPercent,
    ),
  ];
}

/**
 * The clock that matters most now: a running one that is breached, at risk or due soonest; with no
 * running clock, a stopped one that was missed.
 */
export function worstClock(ticket: TTicket, now: number, warningPercent = DEFAULT_WARNING_PERCENT): TClockView | null {
  const rank: Record<TClockState, number> = { breached: 5, at_risk: 4, ok: 3, paused: 2, met: 1, none: 0 };
  const clocks = slaClocks(ticket, now, warningPercent);
  const running = clocks.filter((c) => !c.done && c.state !== 'none');
  running.sort((a, b) => rank[b.state] - rank[a.state] || (a.remainingMs ?? Infinity) - (b.remainingMs ?? Infinity));
  return running[0] ?? clocks.find((c) => c.done && c.state === 'breached') ?? null;
}

export const isBreached = (ticket: TTicket, now: number): boolean =>
  slaClocks(ticket, now).some((c) => c.state === 'breached' && !closedStatuses.has(ticket.status));

export const isAtRisk = (ticket: TTicket, now: number, warningPercent = DEFAULT_WARNING_PERCENT): boolean =>
  !isBreached(ticket, now) && slaClocks(ticket, now, warningPercent).some((c) => c.state === 'at_risk');

/** Use the policy's own warning times (from the ticket's SLA explanation) when they are known. */
export function withWarnTimes(clocks: TClockView[], warnAt: readonly (string | null)[], now: number): TClockView[] {
  return clocks.map((c, i) => {
    const at = warnAt[i];
    if (!at || (c.state !== 'ok' && c.state !== 'at_risk')) return c;
    return { ...c, state: now >= Date.parse(at) ? 'at_risk' : 'ok' };
  });
}
