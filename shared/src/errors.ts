import { z } from 'zod';

/**
 * The one error catalogue. Every error the API returns has one of these codes; the HTTP status
 * for each code is fixed here so that clients (bot, console) and server agree.
 */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type TErrorCode = keyof typeof errorStatus;

export const ZErrorCode = z.enum(Object.keys(errorStatus) as [TErrorCode, ...TErrorCode[]]);

/** One JSON shape for every error: `{ error: { code, message, details? } }`. */
export const ZErrorBody = z.object({
  error: z.object({
    code: ZErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type TErrorBody = z.infer<typeof ZErrorBody>;
