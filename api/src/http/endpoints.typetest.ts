/**
 * Compile-time checks of the endpoint table (tsc reads this file; nothing runs it): a handler
 * bound to an endpoint must answer what its response schema accepts, and a client call must give
 * what its request schemas accept. Each `@ts-expect-error` fails the type check if the line it
 * guards ever compiles.
 */
import { endpoints, type ApiClient, type TTicket } from '@deskmate/shared';
import { bindRoute } from './route.js';

declare const ticket: TTicket;
declare const client: ApiClient;

export const typeChecks = [
  bindRoute(endpoints.tickets.claim, { access: 'agent', handler: async () => ({ ticket }) }),
  // A handler's answer that is not the response schema's shape does not compile.
  // @ts-expect-error — `ticket` is missing
  bindRoute(endpoints.tickets.claim, { access: 'agent', handler: async () => ({ tickets: [ticket] }) }),
  // @ts-expect-error — the ticket's key must be a string
  bindRoute(endpoints.tickets.claim, { access: 'agent', handler: async () => ({ ticket: { ...ticket, key: 42 } }) }),
  // The handler reads parsed params and body, typed.
  bindRoute(endpoints.tickets.merge, {
    access: 'agent',
    handler: async (ctx) => {
      const key: string = ctx.params.key;
      const into: string = ctx.body.intoKey;
      // @ts-expect-error — merge takes no query
      void ctx.query.anything;
      return { ticket: { ...ticket, key: `${key}${into}` } };
    },
  }),
];

export async function clientChecks() {
  const { ticket: claimed } = await client.api.tickets.claim({ params: { key: 'IT-1' } });
  const key: string = claimed.key;
  // @ts-expect-error — claim needs the ticket's key
  await client.api.tickets.claim();
  // @ts-expect-error — a reply's body is text
  await client.api.tickets.reply({ params: { key }, body: { body: 42 } });
  // @ts-expect-error — claim takes no body
  await client.api.tickets.claim({ params: { key }, body: { anything: true } });
  // No arguments where the endpoint takes none.
  const { counts } = await client.api.tickets.counts();
  // @ts-expect-error — the answer is typed: counts is no string
  const wrong: string = counts;
  return [key, wrong];
}
