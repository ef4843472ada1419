import { ApiError, type ApiClient } from '@deskmate/shared';

/**
 * Files people share in chat (Slack file shares, Teams attachments), the same for both channels:
 * fetched from the chat service, then sent to the API, which judges them like email attachments
 * and keeps them with the reply or note they came with (or the ticket the wizard is filing).
 */

/** A file as a chat message offers it: where to fetch it, and what its sender called it. */
export interface TChatFile {
  name: string;
  /** The type its sender's app declared ('' when none). */
  type: string;
  url: string;
  /** As the chat service says (Slack does), to refuse a huge file before fetching it. */
  size?: number | undefined;
  /** Sent with the request for the file (a bot token), only to the service's own host. */
  headers?: Record<string, string> | undefined;
}

/** What happened to one file, in words for the person who shared it. */
export interface TFileOutcome {
  name: string;
  kept: boolean;
  message: string;
}

/** No chat file larger than this is fetched (the API's own limit, usually lower, applies after). */
export const CHAT_FILE_FETCH_MAX = 25 * 1024 * 1024;

/** The body of a reply or note that is only files. */
export function sharedLine(files: readonly TChatFile[]): string {
  const names = files.map((f) => f.name).join(', ');
  return files.length === 1 ? `Shared a file: ${names}` : `Shared ${files.length} files: ${names}`;
}

class FileUnavailable extends Error {}

/** The file's bytes, at most CHAT_FILE_FETCH_MAX of them. */
async function fetchBytes(file: TChatFile): Promise<Buffer> {
  if (file.size !== undefined && file.size > CHAT_FILE_FETCH_MAX) throw new FileUnavailable('it is too large');
  const res = await fetch(file.url, { headers: file.headers ?? {}, redirect: 'error' });
  if (!res.ok || !res.body) throw new FileUnavailable(`it could not be fetched (${res.status})`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > CHAT_FILE_FETCH_MAX) throw new FileUnavailable('it is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** The file's name and declared type, as the upload routes take them in the query. */
const fileQuery = (file: TChatFile) => ({
  filename: file.name.slice(0, 255) || 'file',
  ...(file.type ? { type: file.type.slice(0, 255) } : {}),
});

/**
 * Fetch each file from the chat and upload its bytes with `send`, one at a time; a file that
 * cannot be fetched or that the API refuses is told, not thrown.
 */
async function uploadEach(
  files: readonly TChatFile[],
  send: (file: TChatFile, bytes: { data: Uint8Array<ArrayBuffer>; contentType: string }) => Promise<unknown>,
  keptMessage: (file: TChatFile) => string,
): Promise<TFileOutcome[]> {
  const out: TFileOutcome[] = [];
  for (const file of files) {
    try {
      const bytes = await fetchBytes(file);
      await send(file, { data: new Uint8Array(bytes), contentType: 'application/octet-stream' });
      out.push({ name: file.name, kept: true, message: keptMessage(file) });
    } catch (err) {
      if (err instanceof FileUnavailable)
        out.push({ name: file.name, kept: false, message: `${file.name} was not attached: ${err.message}` });
      // The API's refusal is written for people ("… was not attached: a program").
      else if (err instanceof ApiError && err.status < 500)
        out.push({ name: file.name, kept: false, message: err.message });
      else throw err;
    }
  }
  return out;
}

/** Attach files to the reply or note the person just wrote (its visibility is theirs). */
export function attachToEvent(
  api: ApiClient,
  key: string,
  eventId: string,
  files: readonly TChatFile[],
): Promise<TFileOutcome[]> {
  return uploadEach(
    files,
    (file, bytes) =>
      api.api.attachments.attachToEvent({ params: { key }, query: { event: eventId, ...fileQuery(file) }, bytes }),
    (file) => `${file.name} is attached to ${key}.`,
  );
}

/** Keep files with the wizard's conversation: they go with the ticket it files. */
export function attachToSession(
  api: ApiClient,
  sessionId: string,
  files: readonly TChatFile[],
): Promise<TFileOutcome[]> {
  return uploadEach(
    files,
    (file, bytes) => api.api.chat.addFile({ params: { id: sessionId }, query: fileQuery(file), bytes }),
    (file) => `${file.name} will be attached to your ticket.`,
  );
}
