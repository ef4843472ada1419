import type { ErrorRequestHandler, RequestHandler } from 'express';
import { errorStatus, type TErrorBody, type TErrorCode, type TRoleRefusal, type TUserRole } from '@deskmate/shared';
import { ZodError } from 'zod';

/** An error meant for the client: a code from the catalogue, a message a person can act on. */
export class AppError extends Error {
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what = 'Resource'): AppError => new AppError('not_found', `${what} not found`);

/**
 * A refusal by role: 403 with the least role the request takes in `details`, so that a chat
 * adapter can word it for its people (it asks the API and renders the answer; it does not check
 * roles itself).
 */
export function roleRefusal(requiredRole: TUserRole, message: string): AppError {
  const details: TRoleRefusal = { requiredRole };
  return new AppError('forbidden', message, details);
}

/** zod issues as `details`: where (path) and what is wrong. */
export function validationError(error: ZodError, where: 'body' | 'query' | 'params' = 'body'): AppError {
  const details = error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  const first = details[0];
  return new AppError(
    'validation_failed',
    first ? `Invalid ${first.path}: ${first.message}` : 'Invalid input',
    details,
  );
}

export function errorBody(code: TErrorCode, message: string, details?: unknown): TErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

// PostgreSQL unreachable or restarting: connection refused, socket gone, admin shutdown,
// "the database system is starting up / shutting down", too many connections.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: string; message?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    if (e.code && unavailableCodes.has(e.code)) return true;
    if (
      typeof e.message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
        e.message,
      )
    )
      return true;
  }
  return false;
}

/** Turn anything thrown into the one error shape; the stack goes to the log, never to the client. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError('unavailable', 'The database cannot be reached right now; try again in a moment', undefined, {
      'Retry-After': '5',
    });
  }
  if (err instanceof ZodError) return validationError(err);
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean; limit?: number };
  // body-parser errors
  switch (e?.type) {
    case 'entity.too.large':
      return new AppError(
        'payload_too_large',
        `Request body is larger than the limit of ${e.limit ?? 'the server'} bytes`,
      );
    case 'entity.parse.failed':
      return new AppError('bad_request', 'Request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Unsupported body encoding or charset');
    case 'request.aborted':
      return new AppError('bad_request', 'Request aborted');
  }
  const status = e?.status ?? e?.statusCode;
  // Express's router cannot decode a path parameter (`/tickets/%E0%A4%A`): the client's mistake.
  if (err instanceof URIError && status === 400) return new AppError('bad_request', err.message);
  if (e?.expose && status && status >= 400 && status < 500) {
    return new AppError(
      status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request',
      (err as Error).message,
    );
  }
  return new AppError('internal', 'Something went wrong on our side; it has been logged');
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appError = toAppError(err);
  if (appError.code === 'internal') {
    req.log?.error({ err }, 'unhandled error');
  } else if (appError.code === 'unavailable') {
    req.log?.warn({ err: (err as Error).message }, 'database unavailable');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
  res.status(appError.status).json(errorBody(appError.code, appError.message, appError.details));
};

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No API route ${req.method} ${req.path}`));
};
