import { useEffect, useMemo } from 'react';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import type { TBulkTicketAction, TErrorCode, TTicket, TTicketDetail } from '@deskmate/shared';
import { ticketApi, type TTicketPatch } from '../api/client';
import { keys } from '../api/keys';
import type { TQueueDef } from '../lib/queues';

const PAGE_SIZE = '100';
/** Queues filtered in the browser (SLA state) load at most this many pages. */
const CLIENT_FILTER_MAX_PAGES = 20;

type TPage = { items: TTicket[]; nextCursor: string | null };

/**
 * How many tickets each queue holds, for the sidebar. Refreshed with the lists (live updates,
 * actions) and each minute, since tickets become at risk or breached as time passes.
 */
export function useQueueCounts() {
  return useQuery({
    queryKey: keys.queueCounts,
    queryFn: ticketApi.counts,
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}

/** A queue's tickets, a page at a time; SLA queues load every page and filter here. */
export function useTicketList(queue: TQueueDef, params: Record<string, string>, now: number) {
  const fullParams = useMemo(() => ({ ...params, limit: PAGE_SIZE }), [params]);
  const query = useInfiniteQuery({
    queryKey: keys.ticketList(fullParams),
    queryFn: ({ pageParam }) => ticketApi.list(pageParam ? { ...fullParams, cursor: pageParam } : fullParams),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Changing a filter keeps the old rows on screen until the new ones arrive (no flash).
    placeholderData: keepPreviousData,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage, data } = query;
  const pages = data?.pages.length ?? 0;
  useEffect(() => {
    if (queue.clientFilter && hasNextPage && !isFetchingNextPage && pages < CLIENT_FILTER_MAX_PAGES) {
      void fetchNextPage();
    }
  }, [queue.clientFilter, hasNextPage, isFetchingNextPage, pages, fetchNextPage]);
  const all = useMemo(() => data?.pages.flatMap((p) => p.items) ?? [], [data]);
  const filter = queue.clientFilter;
  const tickets = useMemo(() => (filter ? all.filter((t) => filter(t, now)) : all), [all, filter, now]);
  return { ...query, tickets };
}

/** Put a changed ticket into every cache that shows it: the detail and any loaded list page. */
export function storeTicket(queryClient: QueryClient, ticket: TTicket): void {
  // The ticket's own files do not change with it: keep those already loaded.
  queryClient.setQueryData<TTicketDetail>(keys.ticket(ticket.key), (old) => ({ attachments: [], ...old, ticket }));
  queryClient.setQueriesData<InfiniteData<TPage>>({ queryKey: ['tickets', 'list'] }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((p) => ({ ...p, items: p.items.map((t) => (t.id === ticket.id ? ticket : t)) })),
        }
      : data,
  );
}

/** A ticket from the list cache, so that opening it from a queue shows at once. */
function cachedTicket(queryClient: QueryClient, key: string): TTicket | undefined {
  for (const [, data] of queryClient.getQueriesData<InfiniteData<TPage>>({ queryKey: ['tickets', 'list'] })) {
    for (const page of data?.pages ?? []) {
      const hit = page.items.find((t) => t.key === key);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function useTicket(key: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: keys.ticket(key),
    queryFn: () => ticketApi.get(key),
    placeholderData: () => {
      const ticket = cachedTicket(queryClient, key);
      return ticket ? { ticket, attachments: [] } : undefined;
    },
  });
}

export function useTimeline(key: string) {
  return useQuery({ queryKey: keys.timeline(key), queryFn: () => ticketApi.timeline(key) });
}

/** Accept or discard a mail from an unverified sender; the ticket and its timeline are refreshed. */
export function useUnverifiedEmailDecision(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { eventId: string; decision: 'accept' | 'discard' }) =>
      ticketApi.decideUnverifiedEmail(key, input.eventId, input.decision),
    onSuccess: ({ ticket }) => {
      storeTicket(queryClient, ticket);
      void queryClient.invalidateQueries({ queryKey: keys.timeline(key) });
    },
  });
}

export function prefetchTicket(queryClient: QueryClient, key: string): void {
  void queryClient.prefetchQuery({
    queryKey: keys.timeline(key),
    queryFn: () => ticketApi.timeline(key),
    staleTime: 10_000,
  });
}

export type TTicketAction =
  | { kind: 'claim' }
  | { kind: 'update'; patch: TTicketPatch }
  | { kind: 'reply'; body: string; attachmentIds?: string[] }
  | { kind: 'note'; body: string; attachmentIds?: string[] }
  | { kind: 'merge'; intoKey: string }
  | { kind: 'reopen' }
  | { kind: 'watch'; userId?: string }
  | { kind: 'unwatch'; userId: string }
  | { kind: 'csat'; rating: number; comment?: string };

function run(key: string, action: TTicketAction): Promise<{ ticket: TTicket }> {
  switch (action.kind) {
    case 'claim':
      return ticketApi.claim(key);
    case 'update':
      return ticketApi.update(key, action.patch);
    case 'reply':
      return ticketApi.reply(key, action.body, action.attachmentIds);
    case 'note':
      return ticketApi.note(key, action.body, action.attachmentIds);
    case 'merge':
      return ticketApi.merge(key, action.intoKey);
    case 'reopen':
      return ticketApi.reopen(key);
    case 'watch':
      return ticketApi.watch(key, action.userId);
    case 'unwatch':
      return ticketApi.unwatch(key, action.userId);
    case 'csat':
      return ticketApi.csat(key, action.rating, action.comment);
  }
}

/** Every change to one ticket goes through here: the caches are updated from the answer. */
export function useTicketAction(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: TTicketAction) => run(key, action),
    onSuccess: ({ ticket }) => {
      storeTicket(queryClient, ticket);
      void queryClient.invalidateQueries({ queryKey: keys.timeline(key) });
      void queryClient.invalidateQueries({ queryKey: keys.tickets });
    },
  });
}

const BULK_MAX = 100;

/** A ticket of a bulk action that was not changed, and why. */
export interface TBulkFailure {
  key: string;
  code: TErrorCode;
  message: string;
}

/** The same change (or a claim) on several tickets in one request; the API answers per ticket. */
export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ keys: ticketKeys, action }: { keys: string[]; action: TBulkTicketAction }) => {
      const failed: TBulkFailure[] = [];
      // The API takes at most 100 keys a request.
      for (let i = 0; i < ticketKeys.length; i += BULK_MAX) {
        const { results } = await ticketApi.bulk(ticketKeys.slice(i, i + BULK_MAX), action);
        for (const r of results) {
          if (r.ok) storeTicket(queryClient, r.ticket);
          else failed.push({ key: r.key, ...r.error });
        }
      }
      return { done: ticketKeys.length - failed.length, failed };
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.tickets }),
  });
}
