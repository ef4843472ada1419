import {
  queueDefinitions,
  ticketCategories,
  ticketPriorities,
  ticketSorts,
  ticketStatuses,
  type TTicket,
  type TTicketCategory,
  type TTicketPriority,
  type TQueueId,
  type TTicketStatus,
} from '@deskmate/shared';

export { queueIds, type TQueueId } from '@deskmate/shared';
export type TTicketSort = (typeof ticketSorts)[number];

export interface TQueueDef {
  id: TQueueId;
  label: string;
  /** Query parameters the API filters by. */
  params: Readonly<Record<string, string>>;
  /** A filter the API cannot express, applied to the loaded tickets. */
  clientFilter?: (ticket: TTicket, now: number) => boolean;
}

/** The queues as the API defines them (it counts them with the same queries). */
export const queues: readonly TQueueDef[] = queueDefinitions;

export const queueById = (id: string): TQueueDef | undefined => queues.find((q) => q.id === id);

/** What the person chose on top of the queue. Empty arrays mean "any". */
export interface TTicketFilters {
  status: TTicketStatus[];
  priority: TTicketPriority[];
  category: TTicketCategory[];
  q: string;
  sort: TTicketSort;
}

export const emptyFilters: TTicketFilters = { status: [], priority: [], category: [], q: '', sort: '-updatedAt' };

function pick<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is T => (allowed as readonly string[]).includes(s));
}

/** Filters from a URL's search params (unknown values are dropped, so old links keep working). */
export function filtersFromSearch(search: URLSearchParams): TTicketFilters {
  const sort = search.get('sort');
  return {
    status: pick(search.get('status'), ticketStatuses),
    priority: pick(search.get('priority'), ticketPriorities),
    category: pick(search.get('category'), ticketCategories),
    q: (search.get('q') ?? '').slice(0, 200),
    sort: sort && (ticketSorts as readonly string[]).includes(sort) ? (sort as TTicketSort) : emptyFilters.sort,
  };
}

export function filtersToSearch(filters: TTicketFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (filters.status.length) out.set('status', filters.status.join(','));
  if (filters.priority.length) out.set('priority', filters.priority.join(','));
  if (filters.category.length) out.set('category', filters.category.join(','));
  if (filters.q.trim()) out.set('q', filters.q.trim());
  if (filters.sort !== emptyFilters.sort) out.set('sort', filters.sort);
  return out;
}

/** The API query for a queue with filters: a chosen status replaces the queue's default statuses. */
export function listParams(queue: TQueueDef, filters: TTicketFilters): Record<string, string> {
  const params: Record<string, string> = { ...queue.params, sort: filters.sort };
  if (filters.status.length) params.status = filters.status.join(',');
  if (filters.priority.length) params.priority = filters.priority.join(',');
  if (filters.category.length) params.category = filters.category.join(',');
  if (filters.q.trim()) params.q = filters.q.trim();
  return params;
}

export const sortLabels: Readonly<Record<TTicketSort, string>> = {
  '-updatedAt': 'Recently updated',
  updatedAt: 'Least recently updated',
  '-createdAt': 'Newest',
  createdAt: 'Oldest',
  '-priority': 'Highest priority',
  priority: 'Lowest priority',
};
