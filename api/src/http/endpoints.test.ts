import { ApiClient, ApiError, browserEndpoints, endpoints, type Endpoint } from '@deskmate/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../test/app.js';
import { createUser, type UserRow } from '../test/factories.js';
import { apiRoutes } from './api.js';
import { inProcessFetch } from './in-process.js';

const app = useTestApp();
let requester: UserRow;
let agent: UserRow;

const table: [string, Endpoint][] = [
  ...Object.entries(endpoints).flatMap(([resource, group]) =>
    Object.entries(group).map(([name, e]) => [`${resource}.${name}`, e as Endpoint] as [string, Endpoint]),
  ),
  ...Object.entries(browserEndpoints).map(([name, e]) => [`browser.${name}`, e as Endpoint] as [string, Endpoint]),
];

/** The typed client for a chat user, over HTTP or in this process. */
function clientFor(providerUserId: string, local = false) {
  return new ApiClient({
    baseUrl: app.current.url,
    token: app.current.runtime.services.secrets.integrationToken,
    ...(local ? { fetch: inProcessFetch(app.current.runtime.services, { version: 'test' }) } : {}),
  }).actingAs('slack', providerUserId);
}

beforeAll(async () => {
  requester = await createUser(app.current.database.db, { email: 'req.endpoints@example.test', name: 'Rita' });
  agent = await createUser(app.current.database.db, { email: 'agent.endpoints@example.test', role: 'agent' });
  const service = new ApiClient({
    baseUrl: app.current.url,
    token: app.current.runtime.services.secrets.integrationToken,
  });
  for (const [user, id] of [
    [requester, 'U0REQENDPOINTS'],
    [agent, 'U0AGENTENDPOINTS'],
  ] as const) {
    await service.api.integrations.identify({ body: { provider: 'slack', providerUserId: id, email: user.email } });
  }
});

describe('the endpoint table', () => {
  it('binds every endpoint of the table to exactly one route, with its method, path and schemas', () => {
    for (const [name, e] of table) {
      const bound = apiRoutes.filter((r) => r.endpoint === e);
      expect([name, bound.length]).toEqual([name, 1]);
      expect([name, bound[0]!.method, bound[0]!.path, bound[0]!.response]).toEqual([
        name,
        e.method.toLowerCase(),
        e.path,
        e.response,
      ]);
    }
    // Every route but the generated description of the API is in the table.
    expect(apiRoutes.filter((r) => !r.endpoint).map((r) => `${r.method} ${r.path}`)).toEqual(['get /openapi.json']);
    // No two routes answer the same method and path.
    const keys = apiRoutes.map((r) => `${r.method} ${r.path}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('the OpenAPI document lists each endpoint of the table with its summary', async () => {
    const res = await fetch(`${app.current.url}/api/openapi.json`);
    const doc = (await res.json()) as { paths: Record<string, Record<string, { summary: string }>> };
    for (const [name, e] of table) {
      const path = `/api${e.path.replace(/:(\w+)/g, '{$1}')}`;
      expect([name, doc.paths[path]?.[e.method.toLowerCase()]?.summary]).toEqual([name, e.summary]);
    }
  });

  for (const local of [false, true]) {
    it(`the typed client fills paths, sends queries and bodies, parses answers (${local ? 'in process' : 'over HTTP'})`, async () => {
      const rita = clientFor('U0REQENDPOINTS', local);
      const desk = clientFor('U0AGENTENDPOINTS', local);
      const { ticket } = await rita.api.tickets.create({
        body: { title: `Printer on fire ${String(local)}`, description: 'Smoke from the tray' },
      });
      expect(ticket.key).toMatch(/^IT-\d+$/);
      const claimed = await desk.api.tickets.claim({ params: { key: ticket.key } });
      expect(claimed.ticket.assignee?.id).toBe(agent.id);
      const { event } = await rita.api.tickets.reply({ params: { key: ticket.key }, body: { body: 'Still smoking' } });
      expect(event.visibility).toBe('public');
      const mine = await rita.api.tickets.list({ query: { requester: 'me', status: 'open,new', limit: '100' } });
      expect(mine.items.map((t) => t.key)).toContain(ticket.key);
      const { items: none } = await rita.api.tickets.list({ query: { requester: 'me', status: 'closed' } });
      expect(none.map((t) => t.key)).not.toContain(ticket.key);
      // A file goes as bytes with its name in the query, and is kept with the reply.
      const { attachment } = await rita.api.attachments.attachToEvent({
        params: { key: ticket.key },
        query: { event: event.id, filename: 'notes.txt', type: 'text/plain' },
        bytes: { data: new TextEncoder().encode('tray 2 is jammed'), contentType: 'application/octet-stream' },
      });
      expect(attachment).toMatchObject({ filename: 'notes.txt', size: 16 });
      // An error comes back in the one shape, as an ApiError.
      const refused = await desk.api.tickets.get({ params: { key: 'IT-999999' } }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).status).toBe(404);
    });
  }
});
