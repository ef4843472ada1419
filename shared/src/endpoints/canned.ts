import { z } from 'zod';
import {
  ZCannedResponse,
  ZCannedResponseRequest,
  ZCannedResponseResponse,
  ZIdParams,
  ZRenderCannedQuery,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const cannedEndpoints = {
  list: endpoint({
    method: 'GET',
    path: '/canned-responses',
    summary: 'Canned responses: shared ones and your own',
    response: z.object({ items: z.array(ZCannedResponse) }),
  }),
  create: endpoint({
    method: 'POST',
    path: '/canned-responses',
    summary:
      'Create a canned response ({{requester.name}}, {{ticket.key}}, {{ticket.title}}, {{agent.name}} are filled in)',
    body: ZCannedResponseRequest,
    response: ZCannedResponseResponse,
    status: 201,
  }),
  update: endpoint({
    method: 'PUT',
    path: '/canned-responses/:id',
    summary: 'Change a canned response',
    params: ZIdParams,
    body: ZCannedResponseRequest,
    response: ZCannedResponseResponse,
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/canned-responses/:id',
    summary: 'Delete a canned response',
    params: ZIdParams,
  }),
  render: endpoint({
    method: 'GET',
    path: '/canned-responses/:id/render',
    summary: 'A canned response with its placeholders filled for a ticket',
    params: ZIdParams,
    query: ZRenderCannedQuery,
    response: z.object({ body: z.string() }),
  }),
};
