import { endpoints } from '@deskmate/shared';
import { AppError } from '../../http/errors.js';
import { readRaw } from '../../http/raw-body.js';
import { bindRoute } from '../../http/route.js';
import { importArticles } from './apply.js';
import { readZip } from './archive.js';

export const kbImportRoutes = [
  bindRoute(endpoints.kbImport.importZip, {
    access: 'admin',
    handler: async (ctx) => {
      if (!ctx.req.is(['application/zip', 'application/x-zip-compressed']))
        throw new AppError('unsupported_media_type', 'Send a zip file with Content-Type: application/zip');
      const { config, db, clock } = ctx.services;
      const limits = { maxBytes: config.KB_IMPORT_MAX_BYTES, maxFiles: config.KB_IMPORT_MAX_FILES };
      const zip = await readRaw(ctx.req, limits.maxBytes);
      if (!zip.length) throw new AppError('bad_request', 'The request body is empty: send the zip file');
      const files = readZip(zip, limits);
      return importArticles(
        db,
        files,
        { publish: ctx.query.publish === 'true', category: ctx.query.category },
        ctx.actor,
        clock.now(),
      );
    },
  }),
];
