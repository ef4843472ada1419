import { useQuery } from '@tanstack/react-query';
import type { TTicket } from '@deskmate/shared';
import { reportApi, slaApi, ticketApi } from '../api/client';
import { isStatus } from '../api/errors';
import { keys } from '../api/keys';

const MAX_PAGES = 50;

/** Every ticket created in [from, to): pages of the list sorted newest first, until before `from`. */
async function ticketsCreatedIn(fromMs: number, toMs: number): Promise<{ tickets: TTicket[]; truncated: boolean }> {
  const out: TTicket[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await ticketApi.list({ sort: '-createdAt', limit: '100', ...(cursor ? { cursor } : {}) });
    for (const t of page.items) {
      const at = Date.parse(t.createdAt);
      if (at < fromMs) return { tickets: out, truncated: false };
      if (at < toMs) out.push(t);
    }
    cursor = page.nextCursor;
    if (!cursor) return { tickets: out, truncated: false };
  }
  return { tickets: out, truncated: true };
}

async function openTickets(): Promise<TTicket[]> {
  const out: TTicket[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await ticketApi.list({
      status: 'new,open,pending,on_hold',
      sort: '-createdAt',
      limit: '100',
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/**
 * The data behind the reports. SLA and deflection figures come from their report endpoints;
 * volume, backlog, CSAT and the per-category and per-agent breakdowns are computed here from the
 * ticket list, because the API has no report for them yet.
 */
export function useReportData(from: string, to: string) {
  const range = { from, to };
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const created = useQuery({ queryKey: keys.report('created', range), queryFn: () => ticketsCreatedIn(fromMs, toMs) });
  const backlog = useQuery({ queryKey: keys.report('backlog', {}), queryFn: openTickets });
  const sla = useQuery({
    queryKey: keys.report('sla', range),
    queryFn: async () => {
      try {
        return await slaApi.report(from, to);
      } catch (err) {
        if (isStatus(err, 404)) return null;
        throw err;
      }
    },
    retry: false,
  });
  const deflection = useQuery({
    queryKey: keys.report('deflection', range),
    queryFn: () => reportApi.deflection(from, to),
  });
  return { created, backlog, sla, deflection };
}
