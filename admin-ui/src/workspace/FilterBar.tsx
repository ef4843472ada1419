import { useEffect, useState } from 'react';
import { ticketCategories, ticketPriorities, ticketSorts, ticketStatuses } from '@deskmate/shared';
import { categoryLabel, priorityLabels, statusLabels } from '../lib/format';
import { emptyFilters, sortLabels, type TTicketFilters, type TTicketSort } from '../lib/queues';
import { MultiSelect } from './MultiSelect';

/** Search, filters and sort of a queue; every change goes to the URL (shareable, back-button safe). */
export function FilterBar({ filters, onChange }: { filters: TTicketFilters; onChange: (f: TTicketFilters) => void }) {
  const [q, setQ] = useState(filters.q);
  useEffect(() => setQ(filters.q), [filters.q]);
  // Search as you type, once typing pauses.
  useEffect(() => {
    if (q === filters.q) return;
    const t = setTimeout(() => onChange({ ...filters, q }), 300);
    return () => clearTimeout(t);
  }, [q, filters, onChange]);
  const dirty = JSON.stringify(filters) !== JSON.stringify(emptyFilters);
  return (
    <div className="filter-bar" role="group" aria-label="Filters">
      <label className="sr-only" htmlFor="queue-search">
        Filter this queue
      </label>
      <input
        id="queue-search"
        type="search"
        className="filter-search"
        placeholder="Filter by words or key"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <MultiSelect
        label="Status"
        options={ticketStatuses}
        labels={(s) => statusLabels[s]}
        value={filters.status}
        onChange={(status) => onChange({ ...filters, status })}
      />
      <MultiSelect
        label="Priority"
        options={ticketPriorities}
        labels={(p) => priorityLabels[p]}
        value={filters.priority}
        onChange={(priority) => onChange({ ...filters, priority })}
      />
      <MultiSelect
        label="Category"
        options={ticketCategories}
        labels={categoryLabel}
        value={filters.category}
        onChange={(category) => onChange({ ...filters, category })}
      />
      <label className="inline-field">
        <span>Sort</span>
        <select value={filters.sort} onChange={(e) => onChange({ ...filters, sort: e.target.value as TTicketSort })}>
          {ticketSorts.map((s) => (
            <option key={s} value={s}>
              {sortLabels[s]}
            </option>
          ))}
        </select>
      </label>
      {dirty && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange(emptyFilters)}>
          Clear
        </button>
      )}
    </div>
  );
}
