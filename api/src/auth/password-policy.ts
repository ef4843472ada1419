import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../http/errors.js';

export const MIN_PASSWORD_LENGTH = 10;

// ~49,000 of the most used passwords (from @zxcvbn-ts/language-common), lower-cased.
const common = new Set((dictionary.passwords as string[]).map((p) => p.toLowerCase()));

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'must be at most 1024 characters';
  const lower = password.toLowerCase();
  if (common.has(lower)) return 'is one of the most common passwords; choose another';
  if (/^(.)\1+$/.test(password)) return 'must not be one character repeated';
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'must not contain your email address';
  return null;
}

export function assertPasswordAcceptable(
  password: string,
  context: { email?: string; name?: string } = {},
  field = 'password',
): void {
  const problem = passwordProblem(password, context);
  if (problem) {
    throw new AppError('validation_failed', `Invalid body.${field}: ${problem}`, [
      { path: `body.${field}`, message: problem },
    ]);
  }
}
