import { useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { formatFileSize } from '@deskmate/shared';
import { ErrorMessage } from '../ui/ErrorMessage';
import type { TUploads } from './useUploads';

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

/**
 * Drag and drop onto a composer: spread `props` on its form; `dragging` while files are over it.
 * Dragged text and links are left to the text field.
 */
export function useFileDrop(uploads: TUploads) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  return {
    dragging,
    props: {
      onDragEnter: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current += 1;
        setDragging(true);
      },
      onDragOver: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (!depth.current) setDragging(false);
      },
      onDrop: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setDragging(false);
        uploads.add(Array.from(e.dataTransfer.files));
      },
    },
  };
}

/** For a text field: a pasted image (a screenshot) becomes a file of the message. */
export function pasteFiles(uploads: TUploads) {
  return (e: ClipboardEvent) => {
    const files = Array.from(e.clipboardData.files);
    if (!files.length) return;
    e.preventDefault();
    uploads.add(files);
  };
}

function FileIcon() {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" className="file-icon">
      <path fill="currentColor" d="M6 2h8l6 6v14H6V2Zm8 1.5V9h5.5L14 3.5Z" />
    </svg>
  );
}

/**
 * The files of a message being written: a button for the file picker (drop and paste go through
 * the composer), then each file with its state, its error from the server, and a remove button.
 */
export function AttachmentPicker({ uploads, dragging = false }: { uploads: TUploads; dragging?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className={`attach${dragging ? ' attach-dragging' : ''}`}>
      <div className="row wrap">
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Attach files"
          onChange={(e) => {
            uploads.add(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => input.current?.click()}>
          <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
            <path
              fill="currentColor"
              d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10h-1.5Z"
            />
          </svg>
          Attach files
        </button>
        <span className="muted small hide-sm">
          {dragging ? 'Drop the files to attach them' : 'or drop files here, or paste a screenshot'}
        </span>
      </div>
      {uploads.files.length > 0 && (
        <ul className="pending-files" aria-label="Files to send">
          {uploads.files.map((f) => (
            <li key={f.key} className={`pending-file pending-${f.status}`} data-status={f.status}>
              <div className="row">
                {f.preview ? <img src={f.preview} alt="" className="pending-preview" /> : <FileIcon />}
                <span className="pending-name">{f.name}</span>
                <span className="muted small">{formatFileSize(f.size)}</span>
                {f.status === 'uploading' && <span className="muted small">Uploading…</span>}
                <button
                  type="button"
                  className="btn btn-ghost btn-sm pending-remove"
                  aria-label={`Remove ${f.name}`}
                  onClick={() => uploads.remove(f.key)}
                >
                  ×
                </button>
              </div>
              {f.status === 'failed' && <ErrorMessage error={f.error} />}
            </li>
          ))}
        </ul>
      )}
      {uploads.failed && <p className="hint">Remove the files that were not accepted to send.</p>}
    </div>
  );
}

export { FileIcon };
