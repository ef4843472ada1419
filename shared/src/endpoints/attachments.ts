import {
  ZAttachmentList,
  ZIdParams,
  ZTicketFileQuery,
  ZTicketFileResponse,
  ZTicketKeyParams,
  ZUploadResponse,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const attachmentsEndpoints = {
  upload: endpoint({
    method: 'POST',
    path: '/attachments',
    summary:
      'Upload one file (multipart/form-data, field "file") to attach to your next reply, note or new ticket by its id within a day; judged by its bytes (413 too large, 415 a program or a type not allowed, with the reason in error.details)',
    response: ZUploadResponse,
    status: 201,
    upload: 'file',
  }),
  discard: endpoint({
    method: 'DELETE',
    path: '/attachments/:id',
    summary: 'Take back one of your uploads that is not attached yet',
    params: ZIdParams,
  }),
  attachToEvent: endpoint({
    method: 'POST',
    path: '/tickets/:key/attachments',
    summary:
      'Attach a file shared in chat (the body, application/octet-stream; ?event=&filename=&type=) to your own reply or note: judged by its bytes like an upload, and as visible as that event',
    params: ZTicketKeyParams,
    query: ZTicketFileQuery,
    response: ZTicketFileResponse,
    status: 201,
    upload: 'bytes',
  }),
  listOfTicket: endpoint({
    method: 'GET',
    path: '/tickets/:key/attachments',
    summary: 'Files on this ticket that you may see (files of internal notes only for its agents)',
    params: ZTicketKeyParams,
    response: ZAttachmentList,
  }),
};
