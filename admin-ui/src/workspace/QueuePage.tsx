import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { useUser } from '../auth/session';
import { prefetchTicket, useTicketAction, useTicketList } from '../hooks/tickets';
import { useNow } from '../hooks/useNow';
import { useDensity } from '../hooks/useDensity';
import { useSavedViews } from '../hooks/useSavedViews';
import { describeError } from '../api/errors';
import { useShortcuts } from '../hooks/useShortcuts';
import { rowHeights } from '../lib/density';
import { filtersFromSearch, filtersToSearch, listParams, queueById, type TTicketFilters } from '../lib/queues';
import { Empty, Loading } from '../ui/bits';
import { Dialog } from '../ui/Dialog';
import { Field } from '../ui/Field';
import { ErrorMessage } from '../ui/ErrorMessage';
import { useToast } from '../ui/Toasts';
import { BulkBar } from './BulkBar';
import { FilterBar } from './FilterBar';
import { TicketRow } from './TicketRow';

export function QueuePage() {
  const { queueId = 'mine' } = useParams();
  const queue = queueById(queueId);
  if (!queue) return <Navigate to="/queue/mine" replace />;
  return <Queue key={queue.id} queueId={queue.id} />;
}

function Queue({ queueId }: { queueId: string }) {
  const queue = queueById(queueId)!;
  const user = useUser();
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const now = useNow();
  // The list is filtered with a clock that moves each minute, not each second.
  const minute = Math.floor(now / 60_000) * 60_000;
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const params = useMemo(() => listParams(queue, filters), [queue, filters]);
  const list = useTicketList(queue, params, minute);
  const tickets = list.tickets;
  const [selected, setSelected] = useState<string[]>([]);
  const [cursor, setCursor] = useState(0);
  const { save } = useSavedViews(user.id);
  const [density, setDensity] = useDensity(user.id);
  const rowHeight = rowHeights[density];
  const scrollRef = useRef<HTMLDivElement>(null);
  const [savingView, setSavingView] = useState(false);
  const [viewName, setViewName] = useState('');

  const setFilters = useCallback(
    (f: TTicketFilters) => {
      setSearch(filtersToSearch(f), { replace: true });
      setSelected([]);
      setCursor(0);
    },
    [setSearch],
  );

  const virtualizer = useVirtualizer({
    count: tickets.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  // Rows are drawn at a fixed height: a new density re-measures them all.
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (!queue.clientFilter && hasNextPage && !isFetchingNextPage && lastIndex >= tickets.length - 20) {
      void fetchNextPage();
    }
  }, [queue.clientFilter, hasNextPage, isFetchingNextPage, lastIndex, tickets.length, fetchNextPage]);

  const toggle = useCallback(
    (key: string) => setSelected((s) => (s.includes(key) ? s.filter((k) => k !== key) : [...s, key])),
    [],
  );
  const hover = useCallback((key: string) => prefetchTicket(queryClient, key), [queryClient]);
  const current = tickets[Math.min(cursor, Math.max(0, tickets.length - 1))];
  const claim = useTicketAction(current?.key ?? '');

  const move = (delta: number) => {
    if (!tickets.length) return;
    const next = Math.max(0, Math.min(tickets.length - 1, cursor + delta));
    setCursor(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    ArrowDown: () => move(1),
    ArrowUp: () => move(-1),
    Enter: () => current && void navigate(`/tickets/${current.key}`),
    o: () => current && void navigate(`/tickets/${current.key}`),
    x: () => current && toggle(current.key),
    c: () => {
      if (!current) return;
      if (current.assignee) return toast(`${current.key} is already assigned to ${current.assignee.name}`, 'error');
      claim.mutate(
        { kind: 'claim' },
        {
          onSuccess: () => toast(`Claimed ${current.key}`),
          onError: (e) => toast(e.message, 'error'),
        },
      );
    },
  });

  const allSelected = tickets.length > 0 && selected.length === tickets.length;
  const count = list.isPending ? '' : `${tickets.length}${list.hasNextPage ? '+' : ''} tickets`;

  return (
    <div className="page page-queue">
      <header className="page-header">
        <div>
          <h1>{queue.label}</h1>
          <p className="muted" aria-live="polite">
            {count}
            {list.isFetching && !list.isPending ? ' · refreshing…' : ''}
          </p>
        </div>
        <div className="page-actions">
          <div className="segmented" role="group" aria-label="Density">
            {(['comfortable', 'compact'] as const).map((d) => (
              <button
                key={d}
                type="button"
                className="btn btn-ghost btn-sm"
                aria-pressed={density === d}
                onClick={() => setDensity(d)}
              >
                {d === 'compact' ? 'Compact' : 'Comfortable'}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={() => {
              setViewName(`${queue.label}${filters.q ? `: ${filters.q}` : ''}`);
              setSavingView(true);
            }}
          >
            Save view
          </button>
        </div>
      </header>
      <FilterBar filters={filters} onChange={setFilters} />
      {selected.length > 0 && <BulkBar selected={selected} onDone={() => setSelected([])} />}
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <Loading label="Loading tickets…" />
      ) : tickets.length === 0 ? (
        <Empty title="No tickets here">
          <p className="muted">Nothing matches this queue and these filters.</p>
        </Empty>
      ) : (
        <>
          <div className="list-head">
            <label className="check">
              <input
                type="checkbox"
                checked={allSelected}
                onChange={() => setSelected(allSelected ? [] : tickets.map((t) => t.key))}
              />
              Select all
            </label>
            <span className="muted small hide-sm">j/k to move, x to select, Enter to open, ? for help</span>
          </div>
          <div ref={scrollRef} className="ticket-scroll" data-testid="ticket-scroll">
            <ul
              className={`ticket-list density-${density}`}
              aria-label={`${queue.label} tickets`}
              style={{ height: virtualizer.getTotalSize() }}
            >
              {items.map((row) => {
                const ticket = tickets[row.index]!;
                return (
                  <li
                    key={ticket.id}
                    className="ticket-li"
                    aria-setsize={list.hasNextPage ? -1 : tickets.length}
                    aria-posinset={row.index + 1}
                    style={{ transform: `translateY(${row.start}px)`, height: rowHeight }}
                  >
                    <TicketRow
                      ticket={ticket}
                      selected={selected.includes(ticket.key)}
                      current={row.index === cursor}
                      now={minute}
                      onToggle={toggle}
                      onHover={hover}
                    />
                  </li>
                );
              })}
            </ul>
            {list.isFetchingNextPage && <Loading label="Loading more…" />}
          </div>
        </>
      )}
      <Dialog open={savingView} title="Save this view" onClose={() => setSavingView(false)}>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const name = viewName.trim().slice(0, 60);
            if (!name) return;
            save({ name, queue: queue.id, search: filtersToSearch(filters).toString() }).then(
              () => {
                toast(`Saved view “${name}”`);
                setSavingView(false);
              },
              (err: unknown) => toast(describeError(err).title, 'error'),
            );
          }}
        >
          <p className="muted">The queue with its filters and sort appears under Saved views in the sidebar.</p>
          <Field label="Name">
            <input required maxLength={60} value={viewName} onChange={(e) => setViewName(e.target.value)} />
          </Field>
          <button type="submit" className="btn btn-primary">
            Save view
          </button>
        </form>
      </Dialog>
    </div>
  );
}
