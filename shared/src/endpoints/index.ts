import type { EndpointGroup, EndpointMethods } from '../api/endpoint.js';
import { ticketEndpoints } from './tickets.js';

/**
 * Every API endpoint, by resource: method, path, request and response schemas, declared once.
 * The server binds one handler to each (a test checks none is left unbound), the client's `api`
 * has one method per entry, and the OpenAPI document is generated from the same entries.
 */
export const endpoints = {
  tickets: ticketEndpoints,
} satisfies Record<string, EndpointGroup>;

export type Endpoints = typeof endpoints;

/** The typed client: `api.tickets.claim({ params: { key } })`, one method per endpoint. */
export type TypedApi = { [R in keyof Endpoints]: EndpointMethods<Endpoints[R]> };
