import { formatFileSize, type TAttachmentRef } from '@deskmate/shared';
import { attachmentApi } from '../api/client';
import { FileIcon } from './AttachmentPicker';

/**
 * Files of a ticket or of one of its events, as the server chose them for this viewer: images
 * as a preview, others as a name; each downloads as a file.
 */
export function AttachmentList({
  ticketKey,
  files,
  label = 'Attachments',
}: {
  ticketKey: string;
  files: TAttachmentRef[];
  label?: string;
}) {
  if (!files.length) return null;
  return (
    <ul className="attachments" aria-label={label}>
      {files.map((f) => (
        <li key={f.id}>
          <a
            className={`attachment${f.thumbnail ? ' attachment-image' : ''}`}
            href={attachmentApi.fileUrl(ticketKey, f.id)}
            download={f.filename}
            title={`Download ${f.filename} (${formatFileSize(f.size)})`}
          >
            {f.thumbnail ? (
              <img src={attachmentApi.thumbnailUrl(ticketKey, f.id)} alt={f.filename} loading="lazy" />
            ) : (
              <FileIcon />
            )}
            <span className="attachment-name">{f.filename}</span>
            <span className="muted small">{formatFileSize(f.size)}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
