import type { TTicket } from '@deskmate/shared';
import { expect } from 'vitest';
import type { UserRow } from '../http/context.js';
import type { TestApp } from './app.js';
import { call, sessionCookie } from './auth.js';

/**
 * A ticket filed through the API by `user` (POST /api/tickets, the 201 checked), as the API
 * presents it: for tests that need a ticket made the way people make them. `createTicket`
 * (factories.ts) writes the row directly when the path through the API does not matter.
 */
export async function fileTicket(app: TestApp, user: UserRow, body: Record<string, unknown>): Promise<TTicket> {
  const res = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', { cookie: sessionCookie(app, user), body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.ticket;
}
