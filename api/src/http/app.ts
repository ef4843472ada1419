import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type pg from 'pg';
import type { THealth } from '@deskmate/shared';
import { pingDatabase } from '../db/client.js';
import type { Logger } from '../logger.js';
import { apiNotFound, errorHandler } from './errors.js';
import { JSON_BODY_LIMIT_BYTES, refuseNul } from './json-body.js';

export interface AppOptions {
  pool: pg.Pool;
  logger: Logger;
  role: string;
  version: string;
  /** Serve the JSON API under /api (roles all and api). */
  api?: Router;
  /** Routers mounted before the API, such as the chat bots' endpoints (roles all and bot). */
  extraRouters?: Router[];
  /** The built console (admin-ui/dist); a placeholder page when absent. */
  consoleDir?: string | undefined;
  /** Reverse proxies to trust for X-Forwarded-For (0: none). */
  trustProxy?: number;
  /** People reach Deskmate over HTTPS (PUBLIC_URL): HSTS and upgrade-insecure-requests. */
  https?: boolean;
  /** Set while the process shuts down: /healthz answers 503 so load balancers drain it. */
  isShuttingDown?: () => boolean;
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ? options.trustProxy : false);
  app.set('deskmate version', options.version);
  app.use(
    pinoHttp({
      logger: options.logger,
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // Method, path and status are enough; headers (cookies, tokens) never reach the log.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: pathOf(req),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // One line per request: "GET /api/tickets 200 12 ms". The console's own files are debug-level
      // (a page load fetches a dozen), API calls info.
      customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(ms)} ms`,
      customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
      customLogLevel: (req, res, err) =>
        err || res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400
            ? 'warn'
            : /^\/(api|slack)\//.test(pathOf(req))
              ? 'info'
              : 'debug',
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: options.https ? [] : null,
        },
      },
      hsts: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get('/healthz', async (_req, res) => {
    const up = !options.isShuttingDown?.() && (await pingDatabase(options.pool));
    const body: THealth = {
      status: up ? 'ok' : 'unavailable',
      database: up ? 'up' : 'down',
      role: options.role,
      version: options.version,
    };
    res
      .status(up ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(body);
  });

  for (const router of options.extraRouters ?? []) app.use(router);

  if (options.api) {
    app.use(
      '/api',
      noStore,
      express.json({ limit: JSON_BODY_LIMIT_BYTES, strict: true, reviver: refuseNul }),
      options.api,
      apiNotFound,
    );
    serveConsole(app, options.consoleDir);
  }
  app.use(apiNotFound);
  app.use(errorHandler);
  return app;
}

/** The request's path as the client sent it (Express strips a router's mount path from `url`), never its query. */
const pathOf = (req: { url?: string; originalUrl?: string }) => (req.originalUrl ?? req.url ?? '').split('?')[0]!;

/** API answers are per user (errors too may name what was asked): no browser or proxy keeps them. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('cache-control', 'no-store');
  next();
};

function serveConsole(app: Express, consoleDir: string | undefined): void {
  const index = consoleDir ? join(consoleDir, 'index.html') : undefined;
  if (consoleDir && index && existsSync(index)) {
    app.use(express.static(consoleDir, { index: false, maxAge: '1h', immutable: false }));
    // Single-page app: every other GET that accepts HTML gets the shell.
    app.get(/^\/(?!api\/|healthz).*/, (req, res, next) => {
      if (!req.accepts('html')) return next();
      res.set('cache-control', 'no-cache').sendFile(index);
    });
    return;
  }
  app.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Deskmate</title></head>' +
          '<body><main><h1>Deskmate</h1><p>The console has not been built. Run <code>npm run build</code>.</p></main></body></html>',
      );
  });
}
