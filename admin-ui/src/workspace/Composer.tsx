import { useEffect, useRef } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { TTicket } from '@deskmate/shared';
import { cannedApi } from '../api/client';
import { AttachmentPicker, pasteFiles, useFileDrop } from '../attachments/AttachmentPicker';
import { useUploads } from '../attachments/useUploads';
import { useCanned } from '../hooks/data';
import { useTicketAction } from '../hooks/tickets';
import { useDraft } from '../hooks/useDraft';
import { ErrorMessage } from '../ui/ErrorMessage';
import { useToast } from '../ui/Toasts';

export type TComposerMode = 'reply' | 'note';

/**
 * Reply to the requester or write an internal note; canned responses fill the text; files come
 * from the picker, a drop on the composer or a pasted screenshot, and go with the message (an
 * internal note's files stay as internal as it is).
 */
export function Composer({
  ticket,
  mode,
  onModeChange,
  focusSignal,
}: {
  ticket: TTicket;
  mode: TComposerMode;
  onModeChange: (mode: TComposerMode) => void;
  /** Changes when a shortcut asks for the composer: it takes focus. */
  focusSignal: number;
}) {
  const drafts = { reply: useDraft(ticket.key, 'reply'), note: useDraft(ticket.key, 'note') };
  const [text, setText] = drafts[mode];
  const ref = useRef<HTMLTextAreaElement>(null);
  const uploads = useUploads();
  const drop = useFileDrop(uploads);
  const action = useTicketAction(ticket.key);
  const resolve = useTicketAction(ticket.key);
  const canned = useCanned();
  const toast = useToast();
  const render = useMutation({
    mutationFn: (id: string) => cannedApi.render(id, ticket.key),
    onSuccess: ({ body }) => {
      setText((t) => (t.trim() ? `${t.trimEnd()}\n\n${body}` : body));
      ref.current?.focus();
    },
  });

  useEffect(() => {
    if (focusSignal) ref.current?.focus();
  }, [focusSignal]);

  const canSend = (text.trim() !== '' || uploads.ids.length > 0) && !uploads.uploading && !uploads.failed;
  const send = (andResolve: boolean) => {
    const body = text.trim();
    if (!canSend || action.isPending) return;
    const clearSent = drafts[mode][1];
    const attachmentIds = uploads.ids;
    action.mutate(mode === 'reply' ? { kind: 'reply', body, attachmentIds } : { kind: 'note', body, attachmentIds }, {
      onSuccess: () => {
        clearSent('');
        uploads.clear();
        toast(mode === 'reply' ? 'Reply sent' : 'Note added');
        if (andResolve)
          resolve.mutate(
            { kind: 'update', patch: { status: 'resolved' } },
            { onSuccess: () => toast(`${ticket.key} resolved`) },
          );
      },
    });
  };

  const internal = mode === 'note';
  return (
    <form
      className={`composer ${internal ? 'composer-note' : 'composer-reply'}${drop.dragging ? ' composer-dragging' : ''}`}
      {...drop.props}
      onSubmit={(e) => {
        e.preventDefault();
        send(false);
      }}
    >
      <div className="composer-tabs" role="group" aria-label="Message type">
        <button type="button" className="tab" aria-pressed={!internal} onClick={() => onModeChange('reply')}>
          Reply <kbd>r</kbd>
        </button>
        <button type="button" className="tab" aria-pressed={internal} onClick={() => onModeChange('note')}>
          Internal note <kbd>n</kbd>
        </button>
        <label className="inline-field canned">
          <span>Canned response</span>
          <select
            value=""
            disabled={render.isPending || !canned.data?.items.length}
            onChange={(e) => e.target.value && render.mutate(e.target.value)}
          >
            <option value="">{canned.data?.items.length ? 'Insert…' : 'None yet'}</option>
            {canned.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label htmlFor="composer-text" className="sr-only">
        {internal ? 'Internal note (only agents see it)' : `Reply to ${ticket.requester.name}`}
      </label>
      <textarea
        id="composer-text"
        ref={ref}
        rows={4}
        value={text}
        placeholder={internal ? 'Only agents see internal notes' : `Reply to ${ticket.requester.name}…`}
        onChange={(e) => setText(e.target.value)}
        onPaste={pasteFiles(uploads)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send(false);
          }
        }}
      />
      <AttachmentPicker uploads={uploads} dragging={drop.dragging} />
      {internal && <p className="hint">Internal notes and their files are never shown or sent to the requester.</p>}
      <ErrorMessage error={action.error ?? resolve.error ?? render.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!canSend || action.isPending}>
          {internal ? 'Add note' : 'Send reply'}
        </button>
        {!internal && ticket.status !== 'resolved' && ticket.status !== 'closed' && (
          <button
            type="button"
            className="btn btn-secondary"
            disabled={!canSend || action.isPending}
            onClick={() => send(true)}
          >
            Send and resolve
          </button>
        )}
        <span className="muted small hide-sm">Ctrl+Enter to send</span>
      </div>
    </form>
  );
}
