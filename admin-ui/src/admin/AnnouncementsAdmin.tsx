import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { announcementApi } from '../api/client';
import { keys } from '../api/keys';
import { formatDateTime } from '../lib/format';
import { Empty, Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';

/** `datetime-local` value for a Date, in local time. */
const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function AnnouncementsAdmin() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: keys.announcements, queryFn: announcementApi.list });
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [audience, setAudience] = useState<'everyone' | 'agents'>('everyone');
  const [startsAt, setStartsAt] = useState(() => localInput(new Date()));
  const [endsAt, setEndsAt] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['announcements'] });
  const create = useMutation({
    mutationFn: () =>
      announcementApi.create({
        title,
        body,
        audience,
        startsAt: new Date(startsAt).toISOString(),
        endsAt: endsAt ? new Date(endsAt).toISOString() : null,
      }),
    onSuccess: () => {
      setTitle('');
      setBody('');
      void refresh();
    },
  });
  const remove = useMutation({ mutationFn: announcementApi.remove, onSuccess: () => void refresh() });
  const now = Date.now();
  return (
    <div className="page stack">
      <PageHeader title="Announcements">
        <p className="muted">Shown as a banner in the console, the portal and the Slack App Home while they run.</p>
      </PageHeader>
      <form
        className="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <h2>New announcement</h2>
        <Field label="Title">
          <input required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Message">
          <textarea required rows={3} maxLength={5000} value={body} onChange={(e) => setBody(e.target.value)} />
        </Field>
        <div className="form-grid">
          <Field label="Audience">
            <select value={audience} onChange={(e) => setAudience(e.target.value as 'everyone' | 'agents')}>
              <option value="everyone">Everyone</option>
              <option value="agents">Agents only</option>
            </select>
          </Field>
          <Field label="Starts">
            <input type="datetime-local" required value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
          </Field>
          <Field label="Ends (optional)">
            <input type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
          </Field>
        </div>
        <ErrorMessage error={create.error} />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          Publish
        </button>
      </form>
      <ErrorMessage error={list.error ?? remove.error} />
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title="No announcements" />
      ) : (
        <ul className="articles">
          {list.data.items.map((a) => {
            const live = Date.parse(a.startsAt) <= now && (!a.endsAt || Date.parse(a.endsAt) > now);
            return (
              <li key={a.id} className="card">
                <div className="row spread wrap">
                  <strong>{a.title}</strong>
                  <span className="row">
                    <span className="badge">
                      {live ? 'Showing' : Date.parse(a.startsAt) > now ? 'Scheduled' : 'Ended'}
                    </span>
                    <span className="badge">{a.audience === 'agents' ? 'Agents' : 'Everyone'}</span>
                    <button type="button" className="btn btn-ghost btn-sm" onClick={() => remove.mutate(a.id)}>
                      Remove
                    </button>
                  </span>
                </div>
                <p>{a.body}</p>
                <p className="muted small">
                  {formatDateTime(a.startsAt)} – {a.endsAt ? formatDateTime(a.endsAt) : 'no end'}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
