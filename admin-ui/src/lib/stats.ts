import { ticketPriorities, type TTicket, type TTicketPriority } from '@deskmate/shared';

const DAY = 86_400_000;

/** Percentile with linear interpolation (as PostgreSQL's percentile_cont); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export interface TDurationStats {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export function durationStats(values: readonly number[]): TDurationStats {
  return { count: values.length, medianMs: percentile(values, 50), p90Ms: percentile(values, 90) };
}

const since = (from: string | null, to: string): number | null =>
  from === null ? null : Math.max(0, Date.parse(from) - Date.parse(to));

export const firstResponseMs = (t: TTicket): number | null => since(t.firstRespondedAt, t.createdAt);
export const resolutionMs = (t: TTicket): number | null => since(t.resolvedAt, t.createdAt);

const present = <T>(v: T | null): v is T => v !== null;

/** A UTC calendar day `YYYY-MM-DD`. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface TVolumeDay {
  day: string;
  created: number;
  resolved: number;
}

/** Tickets created and resolved per UTC day of [from, to). */
export function volumeByDay(tickets: readonly TTicket[], fromMs: number, toMs: number): TVolumeDay[] {
  const days = new Map<string, TVolumeDay>();
  for (let d = Date.parse(dayOf(fromMs)); d < toMs; d += DAY) {
    days.set(dayOf(d), { day: dayOf(d), created: 0, resolved: 0 });
  }
  for (const t of tickets) {
    const created = days.get(dayOf(Date.parse(t.createdAt)));
    if (created && Date.parse(t.createdAt) >= fromMs) created.created++;
    if (t.resolvedAt) {
      const resolved = days.get(dayOf(Date.parse(t.resolvedAt)));
      if (resolved && Date.parse(t.resolvedAt) >= fromMs && Date.parse(t.resolvedAt) < toMs) resolved.resolved++;
    }
  }
  return [...days.values()];
}

export const backlogBuckets = [
  { label: '< 1 day', maxDays: 1 },
  { label: '1–3 days', maxDays: 3 },
  { label: '3–7 days', maxDays: 7 },
  { label: '1–4 weeks', maxDays: 28 },
  { label: '> 4 weeks', maxDays: Infinity },
] as const;

export const isOpen = (t: TTicket): boolean => t.status !== 'resolved' && t.status !== 'closed';

/** Unresolved tickets by age, per priority. */
export function backlogAge(
  tickets: readonly TTicket[],
  now: number,
): ({ bucket: string; total: number } & Record<TTicketPriority, number>)[] {
  const rows = backlogBuckets.map((b) => ({ bucket: b.label, total: 0, low: 0, medium: 0, high: 0, urgent: 0 }));
  for (const t of tickets) {
    if (!isOpen(t) || t.mergedIntoKey) continue;
    const ageDays = (now - Date.parse(t.createdAt)) / DAY;
    const i = backlogBuckets.findIndex((b) => ageDays < b.maxDays);
    const row = rows[i === -1 ? rows.length - 1 : i]!;
    row.total++;
    row[t.priority]++;
  }
  return rows;
}

export interface TCsatStats {
  responses: number;
  average: number | null;
  /** Share of 4 and 5 ratings, in %. */
  satisfiedPercent: number | null;
  distribution: { rating: number; count: number }[];
}

export function csatStats(tickets: readonly TTicket[]): TCsatStats {
  const ratings = tickets.map((t) => t.csat?.rating ?? null).filter(present);
  const distribution = [1, 2, 3, 4, 5].map((rating) => ({ rating, count: ratings.filter((r) => r === rating).length }));
  const sum = ratings.reduce((a, b) => a + b, 0);
  return {
    responses: ratings.length,
    average: ratings.length ? Math.round((sum / ratings.length) * 100) / 100 : null,
    satisfiedPercent: ratings.length
      ? Math.round((ratings.filter((r) => r >= 4).length / ratings.length) * 1000) / 10
      : null,
    distribution,
  };
}

export interface TBreakdownRow {
  name: string;
  created: number;
  open: number;
  resolved: number;
  firstResponse: TDurationStats;
  resolution: TDurationStats;
  csatAverage: number | null;
}

/** Figures per group of tickets (category, agent, priority…). */
export function breakdown(tickets: readonly TTicket[], keyOf: (t: TTicket) => string): TBreakdownRow[] {
  const groups = new Map<string, TTicket[]>();
  for (const t of tickets) {
    const key = keyOf(t);
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  return [...groups.entries()]
    .map(([name, list]) => ({
      name,
      created: list.length,
      open: list.filter(isOpen).length,
      resolved: list.filter((t) => t.resolvedAt !== null).length,
      firstResponse: durationStats(list.map(firstResponseMs).filter(present)),
      resolution: durationStats(list.map(resolutionMs).filter(present)),
      csatAverage: csatStats(list).average,
    }))
    .sort((a, b) => b.created - a.created || a.name.localeCompare(b.name));
}

export interface TComplianceRow {
  priority: TTicketPriority;
  met: number;
  breached: number;
  compliancePercent: number | null;
}

/**
 * SLA compliance per priority from the tickets' own flags, for servers without the SLA report:
 * a clock counts once it is decided (answered or breached for first response, resolved or
 * breached for resolution).
 */
export function complianceFromTickets(tickets: readonly TTicket[]): TComplianceRow[] {
  return ticketPriorities.map((priority) => {
    let met = 0;
    let breached = 0;
    for (const t of tickets) {
      if (t.priority !== priority) continue;
      if (t.sla.firstResponseBreached) breached++;
      else if (t.sla.firstResponseDueAt && t.firstRespondedAt) met++;
      if (t.sla.resolutionBreached) breached++;
      else if (t.sla.resolutionDueAt && t.resolvedAt) met++;
    }
    const decided = met + breached;
    return { priority, met, breached, compliancePercent: decided ? Math.round((met / decided) * 1000) / 10 : null };
  });
}
