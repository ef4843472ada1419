import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZErrorBody, ZHealth } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithPassword, sessionCookie, TEST_PASSWORD } from '../test/auth.js';
import { captureLogger } from '../logger.js';
import { setDatabaseReachable } from '../test/db.js';
import { apiRoutes } from './api.js';
import { startTestApp, useTestApp, type TestApp } from '../test/app.js';

describe('the HTTP app', () => {
  const app = useTestApp();

  it('answers /healthz with 200 while the database answers', async () => {
    const res = await app.current.fetch('/healthz');
    expect(res.status).toBe(200);
    expect(ZHealth.parse(await res.json())).toEqual({ status: 'ok', database: 'up', role: 'all', version: 'test' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the JSON API under /api', async () => {
    const res = await app.current.fetch('/api/meta');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'Deskmate', version: 'test', ticketKeyPrefix: 'IT' });
  });

  it('answers an unknown API route with 404 in the one error shape', async () => {
    const res = await app.current.fetch('/api/no-such-thing');
    expect(res.status).toBe(404);
    const body = ZErrorBody.parse(await res.json());
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('/no-such-thing');
  });

  it('answers malformed JSON with 400 and no stack trace', async () => {
    const res = await app.current.fetch('/api/meta', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(ZErrorBody.parse(JSON.parse(text)).error).toEqual({
      code: 'bad_request',
      message: 'Request body is not valid JSON',
    });
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers a 2 MB body with 413 in the one error shape', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) });
    const res = await app.current.fetch('/api/meta', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(ZErrorBody.parse(await res.json()).error.code).toBe('payload_too_large');
  });

  it('sends security headers: a strict CSP, nosniff, no framing, no x-powered-by', async () => {
    const res = await app.current.fetch('/api/meta');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('serves a placeholder page at / when the console is not built', async () => {
    const res = await app.current.fetch('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<h1>Deskmate</h1>');
  });
});

describe('HTTPS-only headers follow PUBLIC_URL, not NODE_ENV', () => {
  const signIn = async (app: TestApp) => {
    const user = await createUserWithPassword(app.database.db, { role: 'agent' });
    const res = await app.fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(app.url).origin },
      body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie') ?? '';
  };

  it('production over plain http (the compose default): no HSTS, no upgrade-insecure-requests, no Secure cookie', async () => {
    const app = await startTestApp({ env: { NODE_ENV: 'production', PUBLIC_URL: 'http://localhost:3000' } });
    try {
      const res = await app.fetch('/');
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
      const cookie = await signIn(app);
      expect(cookie).toContain('deskmate_session=');
      expect(cookie.toLowerCase()).not.toContain('secure');
    } finally {
      await app.stop();
    }
  });

  it('production over https: HSTS, upgrade-insecure-requests and a Secure cookie', async () => {
    const app = await startTestApp({ env: { NODE_ENV: 'production', PUBLIC_URL: 'https://desk.example.com' } });
    try {
      const res = await app.fetch('/');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=31536000');
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      expect((await signIn(app)).toLowerCase()).toContain('; secure');
    } finally {
      await app.stop();
    }
  });
});

describe('request logs', () => {
  it('are one line each, "GET /api/meta 200 N ms" at info; the console’s own files only at debug', async () => {
    const log = captureLogger('info');
    const app = await startTestApp({ logger: log.logger });
    try {
      await app.fetch('/api/meta');
      await app.fetch('/');
      await app.fetch('/api/tickets?q=not-logged');
      const entries = log.lines.map((l) => JSON.parse(l) as { msg: string; level: number });
      const requests = entries.filter((e) => /^(GET|POST) \//.test(e.msg));
      expect(requests.map((e) => e.msg.replace(/\d+ ms$/, 'N ms'))).toEqual([
        'GET /api/meta 200 N ms',
        'GET /api/tickets 401 N ms',
      ]);
      expect(log.lines.join('')).not.toContain('not-logged');
    } finally {
      await app.stop();
    }
  });
});

describe('caching', () => {
  const app = useTestApp();

  it('every API answer says Cache-Control: no-store — each GET route as an admin, errors and anonymous calls too', async () => {
    const admin = await createUserWithPassword(app.current.database.db, { role: 'admin' });
    const cookie = sessionCookie(app.current, admin);
    const gets = apiRoutes.filter((r) => r.method === 'get');
    expect(gets.length).toBeGreaterThan(30);
    for (const route of gets) {
      const path = route.path.replace(/:key/g, 'IT-1').replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');
      const abort = new AbortController(); // the live stream stays open: its headers are enough
      const res = await app.current.fetch(`/api${path}`, { headers: { cookie }, signal: abort.signal });
      expect(res.headers.get('cache-control'), `GET ${route.path} (${res.status})`).toBe('no-store');
      abort.abort();
    }
    for (const path of ['/api/auth/me', '/api/tickets', '/api/no-such-thing']) {
      const res = await app.current.fetch(path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    const malformed = await app.current.fetch('/api/tickets', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: new URL(app.current.url).origin },
      body: '{"title":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('cache-control')).toBe('no-store');
  });
});

describe('health when the database goes away', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await setDatabaseReachable(app.database.name, true);
    await app.stop();
  });

  it('answers 503 while the database refuses connections and 200 again once it is back', async () => {
    expect((await app.fetch('/healthz')).status).toBe(200);
    await setDatabaseReachable(app.database.name, false);
    const down = await app.fetch('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', database: 'down' });
    await setDatabaseReachable(app.database.name, true);
    const up = await app.fetch('/healthz');
    expect(up.status).toBe(200);
  });
});

describe('the built console', () => {
  let app: TestApp;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dm-console-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Deskmate console</title><div id="root"></div>');
    await writeFile(join(dir, 'app.js'), 'console.log("hi")');
    app = await startTestApp({ consoleDir: dir });
  });
  afterAll(async () => app.stop());

  it('serves its files and falls back to index.html for client-side routes', async () => {
    expect(await (await app.fetch('/app.js')).text()).toBe('console.log("hi")');
    const deep = await app.fetch('/tickets/IT-1042', { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('Deskmate console');
  });

  it('never answers an unknown API route with the HTML shell', async () => {
    const res = await app.fetch('/api/no-such-route/IT-1', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});

describe('roles', () => {
  it('a worker serves /healthz but not the API', async () => {
    const worker = await startTestApp({ role: 'worker' });
    try {
      expect((await worker.fetch('/healthz')).status).toBe(200);
      expect(await (await worker.fetch('/healthz')).json()).toMatchObject({ role: 'worker' });
      expect((await worker.fetch('/api/meta')).status).toBe(404);
      expect(worker.runtime.worker).toBeDefined();
    } finally {
      await worker.stop();
    }
  });

  it('an api process runs no job worker', async () => {
    const api = await startTestApp({ role: 'api' });
    try {
      expect((await api.fetch('/api/meta')).status).toBe(200);
      expect(api.runtime.worker).toBeUndefined();
    } finally {
      await api.stop();
    }
  });
});
