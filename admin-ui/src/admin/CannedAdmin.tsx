import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ZCannedResponse } from '@deskmate/shared';
import { cannedApi } from '../api/client';
import { keys } from '../api/keys';
import { useCanned } from '../hooks/data';
import { Empty, Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';

type TCanned = z.infer<typeof ZCannedResponse>;

function CannedForm({ item, onDone }: { item: TCanned | null; onDone: () => void }) {
  const [title, setTitle] = useState(item?.title ?? '');
  const [body, setBody] = useState(item?.body ?? '');
  const [shared, setShared] = useState(item?.shared ?? true);
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: () =>
      item ? cannedApi.update(item.id, { title, body, shared }) : cannedApi.create({ title, body, shared }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.canned });
      toast('Canned response saved');
      onDone();
    },
  });
  return (
    <form
      className="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h2>{item ? `Edit “${item.title}”` : 'New canned response'}</h2>
      <Field label="Title">
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field
        label="Text"
        hint="Placeholders: {{requester.name}}, {{requester.firstName}}, {{ticket.key}}, {{ticket.title}}, {{agent.name}}"
      >
        <textarea required rows={6} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
        Shared with every agent
      </label>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function CannedAdmin() {
  const canned = useCanned();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<TCanned | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => cannedApi.remove(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.canned }),
  });
  return (
    <div className="page stack">
      <PageHeader
        title="Canned responses"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New response
          </button>
        }
      />
      {editing && (
        <CannedForm
          key={editing === 'new' ? 'new' : editing.id}
          item={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <ErrorMessage error={canned.error ?? remove.error} />
      {!canned.data ? (
        <Loading />
      ) : canned.data.items.length === 0 ? (
        <Empty title="No canned responses yet" />
      ) : (
        <ul className="articles">
          {canned.data.items.map((c) => (
            <li key={c.id} className="card">
              <div className="row spread wrap">
                <strong>{c.title}</strong>
                <span className="row">
                  <span className="badge">{c.shared ? 'Shared' : 'Private'}</span>
                  <button type="button" className="btn btn-secondary btn-sm" onClick={() => setEditing(c)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    onClick={() => window.confirm(`Delete “${c.title}”?`) && remove.mutate(c.id)}
                  >
                    Delete
                  </button>
                </span>
              </div>
              <p className="muted small event-body">{c.body}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
