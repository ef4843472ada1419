import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ticketCategories,
  ticketPriorities,
  weekdays,
  type TSlaCalendar,
  type TSlaPolicy,
  type TTicketCategory,
  type TTicketPriority,
  type TWeekday,
} from '@deskmate/shared';
import { slaApi } from '../api/client';
import { isStatus } from '../api/errors';
import { keys } from '../api/keys';
import { useGroups } from '../hooks/data';
import {
  businessDayMinutes,
  formatBusinessMinutes,
  formatDayHours,
  parseDayHours,
  parseHolidays,
} from '../lib/calendar';
import { categoryLabel, priorityLabels } from '../lib/format';
import { Empty, Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';

type TPolicyDraft = Omit<TSlaPolicy, 'id' | 'version' | 'updatedAt'> & { id?: string; rowKey: string };

const escalationLabels = {
  notifyAssignee: 'Notify assignee',
  notifyGroup: 'Notify group',
  notifyTriage: 'Post to triage',
  raisePriority: 'Raise priority',
} as const;

const toDraft = (p: TSlaPolicy): TPolicyDraft => {
  const { version: _v, updatedAt: _u, ...rest } = p;
  return { ...rest, rowKey: p.id };
};

function PolicyEditor({ policies, calendars }: { policies: TSlaPolicy[]; calendars: TSlaCalendar[] }) {
  const queryClient = useQueryClient();
  const groups = useGroups();
  const toast = useToast();
  const [rows, setRows] = useState<TPolicyDraft[]>(() => policies.map(toDraft));
  const save = useMutation({
    mutationFn: () => slaApi.putPolicies({ items: rows.map(({ rowKey: _k, ...p }) => p) }),
    onSuccess: (data) => {
      queryClient.setQueryData(keys.slaPolicies, data);
      setRows(data.items.map(toDraft));
      toast('SLA policies saved; open tickets are recomputed');
    },
  });
  const set = (i: number, patch: Partial<TPolicyDraft>) =>
    setRows((r) => r.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const dayMinutes = useMemo(() => new Map(calendars.map((c) => [c.id, businessDayMinutes(c)] as const)), [calendars]);
  const add = () =>
    setRows((r) => [
      ...r,
      {
        rowKey: crypto.randomUUID(),
        name: 'New policy',
        priority: 'medium',
        groupId: null,
        category: null,
        calendarId: calendars[0]?.id ?? '',
        firstResponseMinutes: 240,
        resolutionMinutes: 1440,
        warningPercent: 75,
        escalation: { notifyAssignee: true, notifyGroup: true, notifyTriage: true, raisePriority: true },
      },
    ]);
  return (
    <form
      className="card stack"
      aria-labelledby="policies-h"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="row spread wrap">
        <h2 id="policies-h">Policies</h2>
        <button type="button" className="btn btn-secondary btn-sm" onClick={add}>
          Add policy
        </button>
      </div>
      <p className="hint">
        Targets are in business minutes of the policy’s calendar: with 8 business hours a day, 1,440 minutes are 3
        business days. Each priority needs a fallback policy with no group and no category; a more specific policy wins.
      </p>
      <div className="table-wrap" tabIndex={0}>
        <table className="table sla-table" data-testid="sla-policies">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Priority</th>
              <th scope="col">Group and category</th>
              <th scope="col">Calendar</th>
              <th scope="col">First response (business min)</th>
              <th scope="col">Resolution (business min)</th>
              <th scope="col">Warn at %</th>
              <th scope="col">On breach</th>
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p, i) => (
              <tr key={p.rowKey} data-priority={p.priority}>
                <td>
                  <input aria-label="Name" value={p.name} onChange={(e) => set(i, { name: e.target.value })} />
                </td>
                <td>
                  <select
                    aria-label={`Priority of ${p.name}`}
                    value={p.priority}
                    onChange={(e) => set(i, { priority: e.target.value as TTicketPriority })}
                  >
                    {ticketPriorities.map((x) => (
                      <option key={x} value={x}>
                        {priorityLabels[x]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <div className="stack-cell">
                    <select
                      aria-label={`Group of ${p.name}`}
                      value={p.groupId ?? ''}
                      onChange={(e) => set(i, { groupId: e.target.value || null })}
                    >
                      <option value="">Any group</option>
                      {groups.data?.items.map((g) => (
                        <option key={g.id} value={g.id}>
                          {g.name}
                        </option>
                      ))}
                    </select>
                    <select
                      aria-label={`Category of ${p.name}`}
                      value={p.category ?? ''}
                      onChange={(e) => set(i, { category: (e.target.value || null) as TTicketCategory | null })}
                    >
                      <option value="">Any category</option>
                      {ticketCategories.map((c) => (
                        <option key={c} value={c}>
                          {categoryLabel(c)}
                        </option>
                      ))}
                    </select>
                  </div>
                </td>
                <td>
                  <select
                    aria-label={`Calendar of ${p.name}`}
                    value={p.calendarId}
                    onChange={(e) => set(i, { calendarId: e.target.value })}
                  >
                    {calendars.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    type="number"
                    min={1}
                    aria-label={`First response minutes of ${p.name}`}
                    value={p.firstResponseMinutes}
                    onChange={(e) => set(i, { firstResponseMinutes: Number(e.target.value) })}
                  />
                  <span className="duration muted small">
                    {formatBusinessMinutes(p.firstResponseMinutes, dayMinutes.get(p.calendarId) ?? null)}
                  </span>
                </td>
                <td>
                  <input
                    type="number"
                    min={1}
                    aria-label={`Resolution minutes of ${p.name}`}
                    value={p.resolutionMinutes}
                    onChange={(e) => set(i, { resolutionMinutes: Number(e.target.value) })}
                  />
                  <span className="duration muted small">
                    {formatBusinessMinutes(p.resolutionMinutes, dayMinutes.get(p.calendarId) ?? null)}
                  </span>
                </td>
                <td>
                  <input
                    type="number"
                    min={1}
                    max={99}
                    aria-label={`Warning percent of ${p.name}`}
                    value={p.warningPercent}
                    onChange={(e) => set(i, { warningPercent: Number(e.target.value) })}
                  />
                </td>
                <td className="escalation-cell">
                  <div className="escalation">
                    {(Object.keys(escalationLabels) as (keyof typeof escalationLabels)[]).map((k) => (
                      <label key={k} className="check small">
                        <input
                          type="checkbox"
                          checked={p.escalation[k]}
                          onChange={(e) => set(i, { escalation: { ...p.escalation, [k]: e.target.checked } })}
                        />
                        {escalationLabels[k]}
                      </label>
                    ))}
                  </div>
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    aria-label={`Remove ${p.name}`}
                    onClick={() => setRows((r) => r.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save policies'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setRows(policies.map(toDraft))}>
          Discard changes
        </button>
      </div>
    </form>
  );
}

type TCalendarDraft = {
  id?: string;
  rowKey: string;
  name: string;
  timeZone: string;
  weekly: Record<TWeekday, string>;
  holidays: string;
};

const toCalendarDraft = (c: TSlaCalendar): TCalendarDraft => ({
  id: c.id,
  rowKey: c.id,
  name: c.name,
  timeZone: c.timeZone,
  weekly: Object.fromEntries(weekdays.map((d) => [d, formatDayHours(c.weekly[d])])) as Record<TWeekday, string>,
  holidays: c.holidays.join('\n'),
});

const dayNames: Record<TWeekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

function CalendarEditor({ calendars }: { calendars: TSlaCalendar[] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [drafts, setDrafts] = useState<TCalendarDraft[]>(() => calendars.map(toCalendarDraft));
  const [parseError, setParseError] = useState<Error | null>(null);
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf('timeZone');
    } catch {
      return [];
    }
  }, []);
  const save = useMutation({
    mutationFn: () =>
      slaApi.putCalendars({
        items: drafts.map((d) => ({
          ...(d.id ? { id: d.id } : {}),
          name: d.name,
          timeZone: d.timeZone,
          weekly: Object.fromEntries(weekdays.map((w) => [w, parseDayHours(d.weekly[w])])) as TSlaCalendar['weekly'],
          holidays: parseHolidays(d.holidays),
        })),
      }),
    onSuccess: (data) => {
      queryClient.setQueryData(keys.slaCalendars, data);
      setDrafts(data.items.map(toCalendarDraft));
      toast('Calendars saved; open tickets are recomputed');
    },
  });
  const set = (i: number, patch: Partial<TCalendarDraft>) =>
    setDrafts((r) => r.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  return (
    <form
      className="card stack"
      aria-labelledby="calendars-h"
      onSubmit={(e) => {
        e.preventDefault();
        setParseError(null);
        try {
          for (const d of drafts) for (const w of weekdays) parseDayHours(d.weekly[w]);
        } catch (err) {
          setParseError(err as Error);
          return;
        }
        save.mutate();
      }}
    >
      <div className="row spread wrap">
        <h2 id="calendars-h">Business-hours calendars</h2>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() =>
            setDrafts((d) => [
              ...d,
              {
                rowKey: crypto.randomUUID(),
                name: 'New calendar',
                timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                weekly: {
                  mon: '09:00-17:00',
                  tue: '09:00-17:00',
                  wed: '09:00-17:00',
                  thu: '09:00-17:00',
                  fri: '09:00-17:00',
                  sat: '',
                  sun: '',
                },
                holidays: '',
              },
            ])
          }
        >
          Add calendar
        </button>
      </div>
      <datalist id="time-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {drafts.map((d, i) => (
        <fieldset key={d.rowKey} className="choice-group stack">
          <legend>{d.name}</legend>
          <div className="form-grid">
            <Field label="Name">
              <input required value={d.name} onChange={(e) => set(i, { name: e.target.value })} />
            </Field>
            <Field label="Time zone">
              <input
                required
                list="time-zones"
                value={d.timeZone}
                onChange={(e) => set(i, { timeZone: e.target.value })}
              />
            </Field>
          </div>
          <div className="form-grid">
            {weekdays.map((w) => (
              <Field
                key={w}
                label={dayNames[w]}
                hint={w === 'mon' ? 'e.g. 09:00-12:00, 13:00-17:00; empty = closed' : undefined}
              >
                <input
                  value={d.weekly[w]}
                  placeholder="closed"
                  onChange={(e) => set(i, { weekly: { ...d.weekly, [w]: e.target.value } })}
                />
              </Field>
            ))}
          </div>
          <Field label="Holidays" hint="One date per line, YYYY-MM-DD">
            <textarea rows={3} value={d.holidays} onChange={(e) => set(i, { holidays: e.target.value })} />
          </Field>
          {drafts.length > 1 && (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              onClick={() => setDrafts((r) => r.filter((_, j) => j !== i))}
            >
              Remove calendar
            </button>
          )}
        </fieldset>
      ))}
      <ErrorMessage error={parseError ?? save.error} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          Save calendars
        </button>
      </div>
    </form>
  );
}

export function SlaAdmin() {
  const policies = useQuery({ queryKey: keys.slaPolicies, queryFn: slaApi.policies, retry: false });
  const calendars = useQuery({ queryKey: keys.slaCalendars, queryFn: slaApi.calendars, retry: false });
  const missing = isStatus(policies.error, 404) || isStatus(calendars.error, 404);
  return (
    <div className="page stack">
      <PageHeader title="SLA policies and calendars" />
      {missing ? (
        <Empty title="The SLA engine is not available on this server">
          <p>This Deskmate does not answer /api/sla yet.</p>
        </Empty>
      ) : policies.error || calendars.error ? (
        <ErrorMessage
          error={policies.error ?? calendars.error}
          onRetry={() => void Promise.all([policies.refetch(), calendars.refetch()])}
        />
      ) : !policies.data || !calendars.data ? (
        <Loading />
      ) : (
        <>
          <PolicyEditor key={policies.dataUpdatedAt} policies={policies.data.items} calendars={calendars.data.items} />
          <CalendarEditor key={calendars.dataUpdatedAt} calendars={calendars.data.items} />
        </>
      )}
    </div>
  );
}
