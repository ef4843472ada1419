import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { zipSync } from 'fflate';
import { ticketCategories, type TKbImportResult, type TTicketCategory } from '@deskmate/shared';
import { kbImportApi } from '../api/client';
import { keys } from '../api/keys';
import { categoryLabel } from '../lib/format';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';

/** Where a chosen file sits: its path inside a chosen folder, or its name. */
const pathOf = (file: File) => file.webkitRelativePath || file.name;

/**
 * The upload: one zip as it is, or the chosen files (or folder) zipped here with their paths, so
 * that the server reads one format and folder names can give categories.
 */
async function zipOf(files: File[]): Promise<Uint8Array<ArrayBuffer>> {
  const zips = files.filter((f) => /\.zip$/i.test(f.name));
  if (zips.length === 1 && files.length === 1) return new Uint8Array(await zips[0]!.arrayBuffer());
  if (zips.length) throw new Error('Choose one zip on its own, or Markdown and HTML files (not both)');
  const entries: Record<string, Uint8Array> = {};
  for (const file of files) entries[pathOf(file)] = new Uint8Array(await file.arrayBuffer());
  return zipSync(entries) as Uint8Array<ArrayBuffer>;
}

function Results({ result }: { result: TKbImportResult }) {
  return (
    <div className="stack">
      <p role="status">
        {result.created} created, {result.updated} updated, {result.skipped} skipped.
      </p>
      <div className="table-wrap" tabIndex={0}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Outcome</th>
              <th scope="col">Article</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((item) => (
              <tr key={item.path}>
                <td>{item.path}</td>
                <td>{item.outcome}</td>
                <td>{item.title ? `${item.title} (${item.slug})` : '—'}</td>
                <td>{item.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Import Markdown and HTML articles: a zip, several files or a folder. */
export function KbImport() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [files, setFiles] = useState<File[]>([]);
  const [publish, setPublish] = useState(false);
  const [category, setCategory] = useState<TTicketCategory | ''>('');
  const upload = useMutation({
    mutationFn: async () => kbImportApi.importZip(await zipOf(files), { publish, category: category || undefined }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: keys.kb });
      toast(`Imported: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped`);
    },
  });
  const choose = (list: FileList | null) => setFiles(list ? [...list] : []);
  return (
    <form
      className="stack"
      aria-label="Import articles"
      onSubmit={(e) => {
        e.preventDefault();
        upload.mutate();
      }}
    >
      <h2>Import articles</h2>
      <p className="muted">
        Markdown (.md) or HTML (.html) files, a folder of them, or a zip. Front matter (title, category, tags or
        keywords, slug) is used when present; otherwise the first heading is the title and a folder named after a
        category gives the category. Importing again updates the articles instead of adding copies.
      </p>
      <div className="form-grid">
        <Field label="Files or a zip">
          <input type="file" multiple accept=".zip,.md,.markdown,.html,.htm" onChange={(e) => choose(e.target.files)} />
        </Field>
        <Field label="Or a folder">
          <input type="file" {...{ webkitdirectory: '' }} onChange={(e) => choose(e.target.files)} />
        </Field>
        <Field label="Category of files that name none" hint="Front matter and folder names come first.">
          <select value={category} onChange={(e) => setCategory(e.target.value as TTicketCategory | '')}>
            <option value="">None (skip such files)</option>
            {ticketCategories.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(c)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <label className="check">
        <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} />
        Publish what is imported (otherwise new articles are drafts)
      </label>
      <ErrorMessage error={upload.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!files.length || upload.isPending}>
          {upload.isPending ? 'Importing…' : `Import ${files.length || ''} ${files.length === 1 ? 'file' : 'files'}`}
        </button>
      </div>
      {upload.data && <Results result={upload.data} />}
    </form>
  );
}
