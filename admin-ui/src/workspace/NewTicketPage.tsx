import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ticketApi, userApi } from '../api/client';
import { keys } from '../api/keys';
import { AttachmentPicker, pasteFiles, useFileDrop } from '../attachments/AttachmentPicker';
import { useUploads } from '../attachments/useUploads';
import { useUser } from '../auth/session';
import { PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';
import { isAdmin } from '@deskmate/shared';

/**
 * An agent opens a ticket from the console (a phone call, a walk-up), with files; an admin may
 * file it for a requester. Priority and category come from the classifier, as for every ticket.
 */
export function NewTicketPage() {
  const me = useUser();
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [requesterId, setRequesterId] = useState('');
  const uploads = useUploads();
  const drop = useFileDrop(uploads);
  const requesters = useQuery({
    queryKey: keys.users({ role: 'requester', active: 'true' }),
    queryFn: () => userApi.list({ role: 'requester', active: 'true' }),
    enabled: isAdmin(me),
  });
  const create = useMutation({
    mutationFn: () =>
      ticketApi.create({
        title: title.trim(),
        description: description.trim(),
        ...(requesterId ? { requesterId } : {}),
        ...(uploads.ids.length ? { attachmentIds: uploads.ids } : {}),
      }),
    onSuccess: ({ ticket }) => {
      uploads.clear();
      void queryClient.invalidateQueries({ queryKey: keys.tickets });
      toast(`${ticket.key} opened`);
      void navigate(`/tickets/${ticket.key}`);
    },
  });
  const ready = title.trim().length >= 3 && description.trim() !== '' && !uploads.uploading && !uploads.failed;
  return (
    <div className="page stack new-ticket">
      <PageHeader title="New ticket" />
      <form
        className={`card stack${drop.dragging ? ' composer-dragging' : ''}`}
        {...drop.props}
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !create.isPending) create.mutate();
        }}
      >
        {isAdmin(me) && (
          <Field label="Requester" hint="Who the ticket is for; empty: you.">
            <select value={requesterId} onChange={(e) => setRequesterId(e.target.value)}>
              <option value="">Me ({me.name})</option>
              {requesters.data?.items.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email})
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Title">
          <input required minLength={3} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Description">
          <textarea
            required
            rows={6}
            maxLength={20_000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            onPaste={pasteFiles(uploads)}
          />
        </Field>
        <AttachmentPicker uploads={uploads} dragging={drop.dragging} />
        <ErrorMessage error={create.error ?? requesters.error} />
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={!ready || create.isPending}>
            Open ticket
          </button>
        </div>
      </form>
    </div>
  );
}
