import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ApiClient, ApiError, ZChatFileResponse, ZResolveIdentityResponse } from '@deskmate/shared';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../test/app.js';
import { createUser, type UserRow } from '../test/factories.js';
import { inProcessFetch } from './in-process.js';

const app = useTestApp();
let served = 0;
const count = () => void served++;
let inProcess: typeof fetch;
let bob: UserRow;
let agent: UserRow;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
  'hex',
);

/** The bot's client over HTTP to the app, and the same client in this process. */
function clients(token = app.current.runtime.services.secrets.integrationToken) {
  return {
    http: new ApiClient({ baseUrl: app.current.url, token }),
    local: new ApiClient({ baseUrl: app.current.url, token, fetch: inProcess }),
  };
}

/** What a call answered: its value, or the error in the one error shape. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (err) {
    if (err instanceof ApiError)
      return { status: err.status, code: err.code, message: err.message, details: err.details };
    throw err;
  }
}

beforeAll(async () => {
  inProcess = inProcessFetch(app.current.runtime.services, { version: 'test' });
  bob = await createUser(app.current.database.db, { email: 'bob.inproc@example.test', name: 'Bob' });
  agent = await createUser(app.current.database.db, { email: 'agent.inproc@example.test', role: 'agent' });
  const { http } = clients();
  for (const [user, id] of [
    [bob, 'U0BOBINPROC'],
    [agent, 'U0AGENTINPROC'],
  ] as const) {
    await http.request('POST', '/api/integrations/identities', ZResolveIdentityResponse, {
      provider: 'slack',
      providerUserId: id,
      email: user.email,
    });
  }
  subscribe('http.server.request.start', count);
});
afterAll(() => unsubscribe('http.server.request.start', count));

describe('the API in process', () => {
  it('answers what HTTP answers, errors included, and no request reaches the HTTP server', async () => {
    const { http, local } = clients();
    const calls: [string, (c: ApiClient) => Promise<unknown>][] = [
      ['meta', (c) => c.request('GET', '/api/meta', z.unknown())],
      ['no such route', (c) => c.request('GET', '/api/nothing/here', z.unknown())],
      ['wrong method', (c) => c.request('DELETE', '/api/meta', z.unknown())],
      ['bad body', (c) => c.request('POST', '/api/integrations/identities', z.unknown(), { provider: 'irc' })],
      ['body on a route that takes none', (c) => c.request('POST', '/api/auth/logout', z.unknown(), { x: 1 })],
      ['unknown chat user', (c) => c.actingAs('slack', 'U0NOBODY').request('GET', '/api/tickets', z.unknown())],
      [
        'requester on an agent route',
        (c) => c.actingAs('slack', 'U0BOBINPROC').request('GET', '/api/directory/agents', z.unknown()),
      ],
      ['agent on it', (c) => c.actingAs('slack', 'U0AGENTINPROC').request('GET', '/api/directory/agents', z.unknown())],
      [
        'query parsed',
        (c) =>
          c
            .actingAs('slack', 'U0BOBINPROC')
            .request('GET', '/api/tickets?mine=true&status=open&status=new', z.unknown()),
      ],
      ['bad query', (c) => c.actingAs('slack', 'U0BOBINPROC').request('GET', '/api/tickets?limit=-4', z.unknown())],
      [
        'param decoded',
        (c) => c.actingAs('slack', 'U0BOBINPROC').request('GET', '/api/tickets/IT-%39999', z.unknown()),
      ],
      [
        'param not decodable',
        (c) => c.actingAs('slack', 'U0BOBINPROC').request('GET', '/api/tickets/%E0%A4%A', z.unknown()),
      ],
    ];
    const viaHttp = [];
    for (const [, run] of calls) viaHttp.push(await outcome(() => run(http)));
    served = 0;
    const local_ = [];
    for (const [, run] of calls) local_.push(await outcome(() => run(local)));
    expect(served).toBe(0);
    for (const [i, [name]] of calls.entries()) expect([name, local_[i]]).toEqual([name, viaHttp[i]]);
    // The comparison is worth something only if the calls answered differently from each other.
    expect(new Set(viaHttp.map((o) => JSON.stringify(o))).size).toBe(calls.length);
  });

  it('a token it does not know is anonymous, as over HTTP: 401 on a route for signed-in people', async () => {
    const { http, local } = clients('dm_not-a-token-of-this-desk-0123456789');
    const run = (c: ApiClient) =>
      outcome(() => c.actingAs('slack', 'U0BOBINPROC').request('GET', '/api/tickets', z.unknown()));
    expect(await run(local)).toEqual(await run(http));
    expect(await run(local)).toMatchObject({ status: 401 });
  });

  it('a file shared in chat is read from the body and judged as over HTTP; a program is refused', async () => {
    const { local } = clients();
    const bobs = local.actingAs('slack', 'U0BOBINPROC');
    const session = await bobs.request(
      'POST',
      '/api/chat/sessions',
      z.object({ session: z.object({ id: z.string() }) }),
      {
        channel: 'slack',
        conversation: 'D0BOBINPROC',
      },
    );
    const id = session.session.id;
    served = 0;
    const kept = await bobs.upload(
      'POST',
      `/api/chat/sessions/${id}/files?filename=screen.png&type=image/png`,
      ZChatFileResponse,
      new Uint8Array(PNG),
      'application/octet-stream',
    );
    expect(kept.file).toMatchObject({ filename: 'screen.png', contentType: 'image/png', size: PNG.length });
    const program = await outcome(() =>
      bobs.upload(
        'POST',
        `/api/chat/sessions/${id}/files?filename=tool.exe`,
        ZChatFileResponse,
        new Uint8Array(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)])),
        'application/octet-stream',
      ),
    );
    expect(program).toMatchObject({ status: 415, message: 'tool.exe was not attached: a program' });
    expect(served).toBe(0);
  });

  it('gives up when the caller does (the inbox deadline), as fetch does', async () => {
    const { local } = clients();
    const aborted = new ApiClient({
      baseUrl: app.current.url,
      token: app.current.runtime.services.secrets.integrationToken,
      fetch: (input, init) => inProcess(input, { ...init, signal: AbortSignal.abort(new Error('too late')) }),
    });
    await expect(aborted.request('GET', '/api/meta', z.unknown())).rejects.toThrow('too late');
    await expect(local.request('GET', '/api/meta', z.object({ name: z.string() }))).resolves.toMatchObject({
      name: 'Deskmate',
    });
  });
});
