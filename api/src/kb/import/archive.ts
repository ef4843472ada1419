import { lstat, readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { AppError } from '../../http/errors.js';
import { maxFileBytes, type ImportFile } from './convert.js';

/** How much one import may bring: the archive's size (and what it unpacks to), and how many files. */
export interface ImportLimits {
  maxBytes: number;
  maxFiles: number;
}

/**
 * A path inside an archive, as a relative path with `/`, or an error when it would point outside
 * the archive (`../`, an absolute path, a drive letter): a zip holding one is refused whole
 * (zip-slip), whatever else it holds.
 */
export function safeEntryPath(name: string): string {
  const path = name.replace(/\\/g, '/');
  const segments = path.split('/');
  if (path.startsWith('/') || /^[a-z]:/i.test(path) || segments.includes('..') || path.includes('\u0000'))
    throw new AppError(
      'bad_request',
      `The zip holds an unsafe path: ${JSON.stringify(name)} (every entry must stay inside the archive); nothing was imported`,
      { path: name },
    );
  return segments.filter((s) => s !== '' && s !== '.').join('/');
}

/** Entries that are not content: folders, macOS resource forks, hidden files (.DS_Store, .git/…). */
const ignored = (path: string) => path === '' || path.split('/').some((s) => s.startsWith('.') || s === '__MACOSX');

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/**
 * The files of a zip, checked before anything is unpacked: every path stays inside the archive,
 * at most `maxFiles` files, at most `maxBytes` unpacked in all. A file larger than an article can
 * be is listed with its problem, not unpacked.
 */
export function readZip(zip: Uint8Array, limits: ImportLimits): ImportFile[] {
  if (zip.length > limits.maxBytes)
    throw new AppError('payload_too_large', `The zip is larger than the limit of ${mib(limits.maxBytes)}`);
  const entries: { name: string; path: string; size: number }[] = [];
  try {
    unzipSync(zip, {
      filter: (entry) => {
        entries.push({ name: entry.name, path: safeEntryPath(entry.name), size: entry.originalSize });
        return false;
      },
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('bad_request', `This is not a zip file that can be read (${(err as Error).message})`);
  }
  const files = entries.filter((e) => !e.name.endsWith('/') && !ignored(e.path));
  if (files.length > limits.maxFiles)
    throw new AppError(
      'payload_too_large',
      `The zip holds ${files.length} files; at most ${limits.maxFiles} can be imported at once`,
    );
  const wanted = files.filter((e) => e.size <= maxFileBytes);
  const total = wanted.reduce((sum, e) => sum + e.size, 0);
  if (total > limits.maxBytes)
    throw new AppError('payload_too_large', `The zip unpacks to more than the limit of ${mib(limits.maxBytes)}`);
  const names = new Set(wanted.map((e) => e.name));
  let unpacked: Record<string, Uint8Array>;
  try {
    unpacked = unzipSync(zip, { filter: (entry) => names.has(entry.name) });
  } catch (err) {
    throw new AppError('bad_request', `This zip cannot be unpacked (${(err as Error).message})`);
  }
  const seen = new Set<string>();
  return files.map((e): ImportFile => {
    if (seen.has(e.path)) return { path: e.path, problem: 'the zip holds this path twice; the first was imported' };
    seen.add(e.path);
    if (e.size > maxFileBytes) return { path: e.path, problem: `larger than ${mib(maxFileBytes)}` };
    return { path: e.path, bytes: unpacked[e.name] ?? new Uint8Array() };
  });
}

/**
 * The files under a folder (for the CLI), with the same limits as a zip. Symbolic links are not
 * followed (they could lead outside the folder); hidden files and folders are left out.
 */
export async function readFolder(dir: string, limits: ImportLimits): Promise<ImportFile[]> {
  const files: ImportFile[] = [];
  let total = 0;
  const walk = async (folder: string): Promise<void> => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = join(folder, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (ignored(path)) continue;
      if (entry.isSymbolicLink()) {
        files.push({ path, problem: 'a symbolic link: not followed' });
      } else if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile()) {
        const { size } = await lstat(full);
        if (size > maxFileBytes) {
          files.push({ path, problem: `larger than ${mib(maxFileBytes)}` });
        } else {
          total += size;
          if (total > limits.maxBytes)
            throw new AppError('payload_too_large', `The folder holds more than the limit of ${mib(limits.maxBytes)}`);
          files.push({ path, bytes: await readFile(full) });
        }
      }
      if (files.length > limits.maxFiles)
        throw new AppError(
          'payload_too_large',
          `The folder holds more than ${limits.maxFiles} files; at most ${limits.maxFiles} can be imported at once`,
        );
    }
  };
  await walk(dir);
  return files;
}
