import { ZAuditList, ZAuditQuery, ZTicketAuditList, ZTicketAuditQuery, ZTicketKeyParams } from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const auditEndpoints = {
  list: endpoint({
    method: 'GET',
    path: '/audit',
    summary: 'The audit log, newest first, filtered by actor, action, entity and time',
    query: ZAuditQuery,
    response: ZAuditList,
  }),
  ofTicket: endpoint({
    method: 'GET',
    path: '/tickets/:key/audit',
    summary: 'The audit rows of one ticket, newest first, for the agents who work it (a cursor pages back)',
    params: ZTicketKeyParams,
    query: ZTicketAuditQuery,
    response: ZTicketAuditList,
  }),
};
