import { z } from 'zod';

/** Email as people type it: trimmed, lower-cased, at most 254 characters (RFC 5321). */
export const ZEmail = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ message: 'must be an email address' }))
  .transform((v) => v.toLowerCase());

export const ZUuid = z.uuid({ message: 'must be an id (UUID)' });

/** Passwords: the policy (length, common list) is checked by the server; this bounds the input. */
export const ZPasswordInput = z.string().min(1, 'is required').max(1024, 'must be at most 1024 characters');

export const ZIdParams = z.object({ id: ZUuid }).strict();

/** What GET /api/meta tells anyone: which Deskmate this is. */
export const ZMeta = z.object({ name: z.string(), version: z.string(), ticketKeyPrefix: z.string() });
