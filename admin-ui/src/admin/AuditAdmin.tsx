import { useMemo, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { auditApi, userApi, type TAuditEvent } from '../api/client';
import { keys } from '../api/keys';
import { auditEntity } from '../lib/audit';
import { downloadCsv, toCsv } from '../lib/csv';
import { formatDateTime } from '../lib/format';
import { Empty, LoadMore, Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';

const entities = [
  'ticket',
  'user',
  'group',
  'kb_article',
  'canned_response',
  'announcement',
  'api_token',
  'settings',
  'sla',
];
const EXPORT_MAX_PAGES = 50;

const columns = (name: (id: string | null) => string) => [
  { header: 'id', value: (e: TAuditEvent) => e.id },
  { header: 'time', value: (e: TAuditEvent) => e.createdAt },
  { header: 'actor', value: (e: TAuditEvent) => name(e.actorId) },
  { header: 'actor_id', value: (e: TAuditEvent) => e.actorId },
  { header: 'actor_type', value: (e: TAuditEvent) => e.actorType },
  { header: 'action', value: (e: TAuditEvent) => e.action },
  { header: 'entity_type', value: (e: TAuditEvent) => e.entityType },
  { header: 'entity_id', value: (e: TAuditEvent) => e.entityId },
  { header: 'entity', value: (e: TAuditEvent) => e.entityLabel },
  { header: 'channel', value: (e: TAuditEvent) => e.channel },
  { header: 'ip', value: (e: TAuditEvent) => e.ip },
  { header: 'before', value: (e: TAuditEvent) => e.before },
  { header: 'after', value: (e: TAuditEvent) => e.after },
];

function AuditEntity({ event }: { event: TAuditEvent }) {
  const { text, href } = auditEntity(event);
  return href ? <Link to={href}>{text}</Link> : <span title={event.entityId ?? undefined}>{text}</span>;
}

export function AuditAdmin() {
  const users = useQuery({ queryKey: keys.users({}), queryFn: () => userApi.list(), staleTime: 60_000 });
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [entity, setEntity] = useState('');
  const [entityId, setEntityId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const params = useMemo(() => {
    const p: Record<string, string> = {};
    if (actor) p.actor = actor;
    if (action.trim()) p.action = action.trim();
    if (entity) p.entity = entity;
    if (entityId.trim()) p.entityId = entityId.trim();
    if (from) p.from = new Date(from).toISOString();
    if (to) p.to = new Date(to).toISOString();
    return p;
  }, [actor, action, entity, entityId, from, to]);
  const audit = useInfiniteQuery({
    queryKey: keys.audit(params),
    queryFn: ({ pageParam }) => auditApi.list(pageParam ? { ...params, cursor: pageParam } : params),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const name = (id: string | null) => (id ? (users.data?.items.find((u) => u.id === id)?.name ?? id) : 'system');
  const rows = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const exportAll = useMutation({
    mutationFn: async () => {
      const all: TAuditEvent[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < EXPORT_MAX_PAGES; i++) {
        const page = await auditApi.list(cursor ? { ...params, cursor } : params);
        all.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      downloadCsv(`deskmate-audit-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(all, columns(name)));
      return all.length;
    },
  });
  return (
    <div className="page stack">
      <PageHeader
        title="Audit log"
        actions={
          <button
            type="button"
            className="btn btn-secondary"
            disabled={exportAll.isPending}
            onClick={() => exportAll.mutate()}
          >
            {exportAll.isPending ? 'Exporting…' : 'Export CSV'}
          </button>
        }
      >
        {exportAll.data !== undefined && <p className="muted small">Exported {exportAll.data} entries.</p>}
      </PageHeader>
      <form className="form-grid card" onSubmit={(e) => e.preventDefault()} aria-label="Audit filters">
        <Field label="Actor">
          <select value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">Anyone</option>
            {users.data?.items.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Action" hint="Exact, e.g. ticket.claimed">
          <input value={action} onChange={(e) => setAction(e.target.value)} />
        </Field>
        <Field label="Entity">
          <select value={entity} onChange={(e) => setEntity(e.target.value)}>
            <option value="">Any</option>
            {entities.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Entity id" hint="Or a ticket key, e.g. IT-1042">
          <input value={entityId} onChange={(e) => setEntityId(e.target.value)} />
        </Field>
        <Field label="From">
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="To">
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
      </form>
      <ErrorMessage error={audit.error ?? exportAll.error} />
      {audit.isPending ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty title="No audit entries match" />
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table className="table">
            <caption className="sr-only">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Channel</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.createdAt)}</td>
                  <td>{name(e.actorId)}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="small">
                    <AuditEntity event={e} />
                  </td>
                  <td>{e.channel ?? ''}</td>
                  <td className="small">{e.ip ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore pages={audit} label="Load more" />
    </div>
  );
}
