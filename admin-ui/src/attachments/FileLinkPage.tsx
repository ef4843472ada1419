import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useParams } from 'react-router';
import { formatFileSize, isAgent } from '@deskmate/shared';
import { attachmentApi, ticketApi } from '../api/client';
import { isStatus } from '../api/errors';
import { useSession } from '../auth/session';
import { Loading } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';

/**
 * Where a file link in an email lands (`/files/IT-1042/<id>`): sign in first, then the file
 * downloads through the same rules as in the console (someone who may not see it is told so).
 */
export default function FileLinkPage() {
  const { key = '', id = '' } = useParams();
  const { session } = useSession();
  const location = useLocation();
  const signedIn = session.status === 'signed-in';
  const files = useQuery({
    queryKey: ['attachments', key],
    queryFn: () => ticketApi.attachments(key),
    enabled: signedIn,
    retry: false,
  });
  const file = files.data?.items.find((f) => f.id === id);
  const url = attachmentApi.fileUrl(key, id);
  useEffect(() => {
    if (file) window.location.assign(url);
  }, [file, url]);

  if (session.status === 'loading') return <Loading label="Opening the file…" />;
  if (session.status === 'signed-out')
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
  const ticketPath = isAgent(session.user) ? `/tickets/${key}` : `/portal/tickets/${key}`;
  return (
    <main id="main" className="page stack file-link">
      {files.error && !isStatus(files.error, 404) ? (
        <ErrorMessage error={files.error} onRetry={() => void files.refetch()} />
      ) : !files.data && !files.error ? (
        <Loading label="Opening the file…" />
      ) : file ? (
        <>
          <h1>{file.filename}</h1>
          <p>
            Your download of {file.filename} ({formatFileSize(file.size)}) has started.{' '}
            <a href={url} download={file.filename}>
              Download it again
            </a>
            .
          </p>
        </>
      ) : (
        <>
          <h1>File not found</h1>
          <p>This file does not exist, or you may not see it.</p>
        </>
      )}
      <p>
        <Link to={ticketPath}>Go to {key}</Link>
      </p>
    </main>
  );
}
