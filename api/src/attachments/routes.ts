import { browserEndpoints, endpoints } from '@deskmate/shared';
import { notFound } from '../http/errors.js';
import { bindRoute, type RouteContext } from '../http/route.js';
import { getVisibleTicket, ticketContext } from '../tickets/service.js';
import { attachToEvent, readFileBody } from './chat-files.js';
import { readUpload } from './multipart.js';
import {
  attachmentContent,
  canThumbnail,
  createUpload,
  discardUpload,
  listAttachments,
  readAttachment,
  storeThumbnail,
} from './service.js';
import { makeThumbnail, ORIGINAL_AS_PREVIEW_MAX_BYTES } from './thumbnail.js';

/** Types a browser would run or render as a page: served as opaque bytes, whatever they are. */
const risky =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|application\/javascript|text\/javascript)/i;

const disposition = (kind: 'attachment' | 'inline', filename: string) =>
  `${kind}; filename*=UTF-8''${encodeURIComponent(filename)}`;

/** The ticket the path names, if the caller may see it (404 otherwise), and who they are to it. */
async function visibleTicket(ctx: RouteContext<unknown, unknown, { key: string }>) {
  const { viewer } = await ticketContext(
    ctx.services,
    ctx.actor,
    ctx.user,
    ctx.auth?.kind === 'session' ? ctx.auth.groupIds : undefined,
  );
  return { viewer, ticket: await getVisibleTicket(ctx.services.db, viewer, ctx.params.key) };
}

/**
 * Files: uploads waiting to be attached, and the files of a ticket (email attachments, uploads,
 * chat files), each read through `attachmentsVisibleTo`: a file is seen by whoever sees the event
 * it belongs to. An upload is attached by the reply, note or new ticket that lists its id in
 * `attachmentIds` (see ADR 0012); a file shared in chat is sent for the reply or note its sender
 * just wrote.
 */
export const attachmentRoutes = [
  bindRoute(endpoints.attachments.upload, {
    access: 'user',
    handler: async (ctx) => {
      const file = await readUpload(ctx.req, ctx.services.config.ATTACHMENT_MAX_BYTES);
      return { upload: await createUpload(ctx.services, ctx.user, file) };
    },
  }),
  bindRoute(endpoints.attachments.discard, {
    access: 'user',
    handler: async (ctx) => {
      await discardUpload(ctx.services.db, ctx.user, ctx.params.id);
    },
  }),
  bindRoute(endpoints.attachments.attachToEvent, {
    access: 'user',
    handler: async (ctx) => {
      const attachment = await attachToEvent(
        await ticketContext(ctx.services, ctx.actor, ctx.user),
        ctx.params.key,
        ctx.query.event,
        {
          filename: ctx.query.filename,
          declaredType: ctx.query.type ?? '',
          read: () => readFileBody(ctx.req, ctx.services),
        },
      );
      return { attachment };
    },
  }),
  bindRoute(endpoints.attachments.listOfTicket, {
    access: 'user',
    handler: async (ctx) => {
      const { viewer, ticket } = await visibleTicket(ctx);
      return { items: await listAttachments(ctx.services.db, viewer, ticket) };
    },
  }),
  bindRoute(browserEndpoints.attachmentFile, {
    access: 'user',
    handler: async (ctx) => {
      const { viewer, ticket } = await visibleTicket(ctx);
      const file = await readAttachment(ctx.services.db, viewer, ticket, ctx.params.id, 'content');
      const bytes = file.bytes!;
      ctx.res
        .status(200)
        .set({
          'content-type': risky.test(file.contentType) ? 'application/octet-stream' : file.contentType,
          'content-disposition': disposition('attachment', file.filename),
          'content-length': String(bytes.length),
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        })
        .end(bytes);
    },
  }),
  bindRoute(browserEndpoints.attachmentThumbnail, {
    access: 'user',
    handler: async (ctx) => {
      const { viewer, ticket } = await visibleTicket(ctx);
      const file = await readAttachment(ctx.services.db, viewer, ticket, ctx.params.id, 'thumbnail');
      if (!canThumbnail(file)) throw notFound('Preview');
      let bytes = file.bytes;
      let type = 'image/webp';
      if (!bytes) {
        const content = await attachmentContent(ctx.services.db, file.id);
        bytes = await makeThumbnail(content, ctx.services.logger);
        if (bytes) await storeThumbnail(ctx.services.db, file.id, bytes);
        else if (file.size <= ORIGINAL_AS_PREVIEW_MAX_BYTES) {
          // No decoder here: a small original is its own preview (its type was checked by its bytes).
          bytes = content;
          type = file.contentType;
        } else throw notFound('Preview');
      }
      ctx.res
        .status(200)
        .set({
          'content-type': type,
          'content-disposition': disposition('inline', file.filename),
          'content-length': String(bytes.length),
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
          // Opened on its own, it is an image and nothing else: no scripts, no styles, no frames.
          'content-security-policy': "default-src 'none'; sandbox",
          'cross-origin-resource-policy': 'same-origin',
        })
        .end(bytes);
    },
  }),
];
