import { useCallback, useEffect, useRef, useState } from 'react';
import type { TUpload } from '@deskmate/shared';
import { attachmentApi } from '../api/client';

/** A file chosen for a message: uploading, uploaded (ready to attach), or refused by the server. */
export interface TPendingFile {
  key: string;
  name: string;
  size: number;
  status: 'uploading' | 'ready' | 'failed';
  upload?: TUpload;
  /** What the server said, in the one error shape (shown beside the file). */
  error?: unknown;
  /** A data: URL of a small image, to show what was pasted. */
  preview?: string;
}

const PREVIEW_MAX_BYTES = 2 * 1024 * 1024;

/** A name for a pasted screenshot, which browsers call `image.png`. */
function nameOf(file: File): string {
  if (file.name && file.name !== 'image.png') return file.name;
  const ext = file.type.split('/')[1]?.split(/[+;]/)[0] || 'png';
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `pasted-${stamp}.${ext}`;
}

let counter = 0;

/**
 * The files of one composer: each is uploaded as soon as it is chosen, so a refusal shows beside
 * it while the person is still writing; the message then names the uploads it takes (`ids`).
 */
export function useUploads() {
  const [files, setFiles] = useState<TPendingFile[]>([]);
  const current = useRef(files);
  current.current = files;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const update = useCallback((key: string, change: Partial<TPendingFile>) => {
    if (mounted.current) setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }, []);

  const add = useCallback(
    (list: Iterable<File>) => {
      for (const file of list) {
        const key = `file-${++counter}`;
        const name = nameOf(file);
        setFiles((all) => [...all, { key, name, size: file.size, status: 'uploading' }]);
        if (file.type.startsWith('image/') && file.type !== 'image/svg+xml' && file.size <= PREVIEW_MAX_BYTES) {
          const reader = new FileReader();
          reader.onload = () => typeof reader.result === 'string' && update(key, { preview: reader.result });
          reader.readAsDataURL(file);
        }
        attachmentApi.upload(file, name).then(
          ({ upload }) => update(key, { status: 'ready', upload, name: upload.filename }),
          (error: unknown) => update(key, { status: 'failed', error }),
        );
      }
    },
    [update],
  );

  /** Drop a file from the message; an uploaded one is taken back from the server too. */
  const remove = useCallback((key: string) => {
    const file = current.current.find((f) => f.key === key);
    if (file?.upload) attachmentApi.discard(file.upload.id).catch(() => undefined);
    setFiles((all) => all.filter((f) => f.key !== key));
  }, []);

  /** After the message is sent: its files now belong to it. */
  const clear = useCallback(() => setFiles([]), []);

  const ids = files.flatMap((f) => (f.status === 'ready' && f.upload ? [f.upload.id] : []));
  return {
    files,
    add,
    remove,
    clear,
    ids,
    uploading: files.some((f) => f.status === 'uploading'),
    failed: files.some((f) => f.status === 'failed'),
  };
}

export type TUploads = ReturnType<typeof useUploads>;
