import { ZKbImportQuery, ZKbImportResult } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const kbImportEndpoints = {
  importZip: endpoint({
    method: 'POST',
    path: '/kb/import',
    summary:
      'Import a zip of Markdown and HTML articles (Content-Type: application/zip): front matter or headings give title, category and keywords; a re-import updates the articles it matches (by slug, else by file path). Answers what was created, updated and skipped, with reasons',
    query: ZKbImportQuery,
    response: ZKbImportResult,
    upload: 'bytes',
  }),
};
