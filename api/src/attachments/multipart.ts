import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../http/errors.js';
import type { UploadedFile } from './service.js';

/** Room for the multipart boundaries and part headers around the file itself. */
const ENVELOPE_BYTES = 16 * 1024;

const badForm = (why: string) =>
  new AppError('bad_request', `Send one file as multipart/form-data in a field named "file": ${why}`);

/**
 * The one file of a multipart/form-data upload (field `file`), read into memory up to `maxBytes`:
 * a larger file is cut there and marked `truncated` (the rest is read and dropped, so the
 * connection stays usable); a declared body far past the limit is refused before it is read.
 */
export async function readUpload(req: Request, maxBytes: number): Promise<UploadedFile> {
  if (!req.is('multipart/form-data'))
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data in a field named "file"');
  const declared = Number(req.get('content-length') ?? 0);
  if (declared > maxBytes + ENVELOPE_BYTES)
    throw new AppError('payload_too_large', `The file is over the limit of ${maxBytes} bytes`, {
      reason: 'too_large',
      filename: '',
      detail: `${declared} bytes sent, the limit is ${maxBytes}`,
    });
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send names as raw UTF-8.
      defParamCharset: 'utf8',
      limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 },
    });
  } catch (err) {
    throw badForm((err as Error).message);
  }
  return new Promise<UploadedFile>((resolve, reject) => {
    let file: UploadedFile | null = null;
    let failure: AppError | null = null;
    const chunks: Buffer[] = [];
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || file) {
        failure ??= badForm(field === 'file' ? 'only one file per request' : `unexpected file field "${field}"`);
        stream.resume();
        return;
      }
      const current: UploadedFile = {
        filename: info.filename ?? '',
        declaredType: info.mimeType ?? '',
        bytes: Buffer.alloc(0),
        truncated: false,
      };
      file = current;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        current.truncated = true;
      });
    });
    parser.on('filesLimit', () => {
      failure ??= badForm('only one file per request');
    });
    parser.on('partsLimit', () => {
      failure ??= badForm('too many parts');
    });
    parser.on('error', (err: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(badForm(err.message));
    });
    parser.on('close', () => {
      if (failure) return reject(failure);
      if (!file) return reject(badForm('no file was sent'));
      resolve({ ...(file as UploadedFile), bytes: Buffer.concat(chunks) });
    });
    req.on('aborted', () => reject(new AppError('bad_request', 'Request aborted')));
    req.pipe(parser);
  });
}
