import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import { match, type MatchFunction } from 'path-to-regexp';
import { authenticate } from '../auth/session.js';
import { apiRoutes } from './api.js';
import { JSON_BODY_LIMIT_BYTES, refuseNul } from './json-body.js';
import type { Services } from './context.js';
import { AppError, errorBody, toAppError } from './errors.js';
import { actorOf, runRoute, type RouteDefinition } from './route.js';

export interface InProcessOptions {
  /** What GET /api/meta reports (the HTTP app's `deskmate version`). */
  version: string;
}

/** Where a call in this process comes from, for the audit trail: this machine, as the loopback call was. */
const SELF = '127.0.0.1';

interface Entry {
  route: RouteDefinition;
  match: MatchFunction<Record<string, string>>;
}

/**
 * The API as a `fetch` for the typed client, in this process: no socket, no HTTP server. Each call
 * goes through the same steps as over HTTP — the same `authenticate` middleware (bearer token,
 * act-as headers), the same route table matched as Express matches it, the same `runRoute`
 * (authorisation, schemas, handler) and the same error shaping — so a chat request in the default
 * single process is checked exactly as one from a split bot process is (ADR 17).
 *
 * Handlers get a request whose body and headers are real (file uploads read it as a stream) but no
 * HTTP response: a route that sets cookies, redirects or streams fails loudly here; the bots call
 * none of those.
 */
export function inProcessFetch(
  services: Services,
  options: InProcessOptions,
  routes: RouteDefinition[] = apiRoutes,
): typeof fetch {
  const table: Entry[] = routes.map((route) => ({
    route,
    // Express 5's router: case-insensitive, an optional trailing slash, params URI-decoded.
    match: match(route.path, { decode: decodeParam, end: true, sensitive: false, trailing: true }),
  }));
  const auth = authenticate(services);

  return async (input, init) => {
    const request = new Request(input, init);
    const started = performance.now();
    const url = new URL(request.url);
    const path = url.pathname;
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const outcome = await abortable(request.signal, dispatch(request, url));
      status = outcome.status;
      body = outcome.body;
    } catch (err) {
      if (request.signal.aborted) throw request.signal.reason;
      const appError = toAppError(err);
      if (appError.code === 'internal') services.logger.error({ err }, 'unhandled error');
      else if (appError.code === 'unavailable')
        services.logger.warn({ err: (err as Error).message }, 'database unavailable');
      status = appError.status;
      body = errorBody(appError.code, appError.message, appError.details);
      headers = { ...appError.headers };
    }
    // The line the HTTP app's request log writes, at the same levels.
    const line = `${request.method} ${path} ${status} ${Math.round(performance.now() - started)} ms`;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    services.logger[level]({ inProcess: true }, line);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        'cache-control': 'no-store',
        ...headers,
      },
    });
  };

  async function dispatch(request: Request, url: URL) {
    if (url.pathname !== '/api' && !url.pathname.startsWith('/api/'))
      throw new AppError('not_found', `No API route ${request.method} ${url.pathname}`);
    const sub = url.pathname.slice('/api'.length) || '/';
    const method = request.method.toLowerCase();
    let found: { route: RouteDefinition; params: Record<string, string> } | undefined;
    for (const entry of table) {
      if (entry.route.method !== method) continue;
      const m = entry.match(sub);
      if (m) {
        found = { route: entry.route, params: { ...m.params } };
        break;
      }
    }
    const bytes = Buffer.from(await request.arrayBuffer());
    const req = requestOf(request, url, sub, bytes, options.version);
    const res = noResponse();
    // The HTTP app's own middleware: who is calling, from the same headers.
    await new Promise<void>((resolve, reject) => {
      void auth(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
    });
    if (!found) throw new AppError('not_found', `No API route ${request.method} ${sub}`);
    req.params = found.params;
    const query = req.query;
    const body = jsonBody(req, bytes);
    req.body = body;
    return runRoute(found.route, services, {
      auth: req.auth ?? null,
      params: found.params,
      query,
      body,
      actor: actorOf(req, req.auth),
      req,
      res,
    });
  }
}

/** Rejects when the caller gives up (the inbox's recording deadline), as fetch does. */
function abortable<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new AppError('bad_request', `Failed to decode param '${value}'`);
  }
}

/**
 * An Express request for the handler: Express's own request methods (`get`, `is`, `accepts`) over
 * the call's headers, and the body as a stream, as over HTTP.
 */
function requestOf(request: Request, url: URL, sub: string, bytes: Buffer, version: string): ExpressRequest {
  // No connection: what IncomingMessage and Express read of one (the address, TLS, end of body).
  const socket = {
    readable: false,
    remoteAddress: SELF,
    encrypted: false,
    destroy: () => undefined,
  } as unknown as Socket;
  const message = new IncomingMessage(socket);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  if (bytes.length) headers['content-length'] = String(bytes.length);
  message.headers = headers;
  message.method = request.method;
  message.url = `${sub}${url.search}`;
  if (bytes.length) message.push(bytes);
  message.push(null);
  // The whole body is here, as the HTTP parser says at a message's end (else reading it to the end "aborts").
  message.complete = true;
  const req = Object.setPrototypeOf(message, express.request) as ExpressRequest;
  const settings = new Map<string, unknown>([['deskmate version', version]]);
  Object.defineProperties(req, {
    originalUrl: { value: `${url.pathname}${url.search}`, writable: true },
    ip: { value: SELF },
    // Express 5's query parser ('simple'): node's querystring.
    query: { value: parseQuery(url.search.slice(1)), writable: true },
    cookies: { value: {}, writable: true },
    app: { value: { get: (name: string) => settings.get(name) } },
  });
  return req;
}

/** The JSON body as `express.json` (strict, the same limit and reviver) would give it; otherwise none. */
function jsonBody(req: ExpressRequest, bytes: Buffer): unknown {
  if (!req.is('application/json')) return undefined;
  if (bytes.length > JSON_BODY_LIMIT_BYTES)
    throw new AppError('payload_too_large', `Request body is larger than the limit of ${JSON_BODY_LIMIT_BYTES} bytes`);
  const text = bytes.toString('utf8');
  if (!text.trim()) return {};
  if (!/^\s*[[{]/.test(text)) throw new AppError('bad_request', 'Request body is not valid JSON');
  try {
    return JSON.parse(text, refuseNul) as unknown;
  } catch {
    throw new AppError('bad_request', 'Request body is not valid JSON');
  }
}

/** No HTTP response in process: a handler that writes one (cookies, redirects, streams) is a bug here. */
function noResponse(): ExpressResponse {
  return new Proxy({} as ExpressResponse, {
    get(_target, name) {
      if (typeof name === 'symbol' || name === 'then') return undefined;
      throw new Error(`res.${name}: this route answers over HTTP only (cookies, redirects, streams)`);
    },
  });
}
