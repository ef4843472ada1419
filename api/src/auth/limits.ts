import type { RateLimit } from '../security/rate-limit.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every rate limit of signing in and of the account's secrets, by what it counts. */
export const limits = {
  loginAccount: (email: string): RateLimit => ({ key: `login:account:${email}`, max: 5, windowMs: 10 * MINUTE }),
  loginIp: (ip: string): RateLimit => ({ key: `login:ip:${ip}`, max: 20, windowMs: 10 * MINUTE }),
  verify2fa: (jti: string): RateLimit => ({ key: `2fa:verify:${jti}`, max: 5, windowMs: 10 * MINUTE }),
  /**
   * Wrong second factors (TOTP, emailed or recovery codes) of one user, whatever half token they
   * came with: a fresh half token after each password step must not bring fresh guesses.
   */
  secondFactorFailures: (userId: string): RateLimit => ({
    key: `2fa:failed:${userId}`,
    max: 10,
    windowMs: 15 * MINUTE,
  }),
  /** The "someone is trying your second factor" mail: once per lock-out window. */
  secondFactorWarning: (userId: string): RateLimit => ({
    key: `2fa:locked-mail:${userId}`,
    max: 1,
    windowMs: 15 * MINUTE,
  }),
  /** Emailed sign-in codes, however asked for (the password step or resend): the first and three more. */
  otpSend: (userId: string): RateLimit => ({ key: `2fa:send:${userId}`, max: 4, windowMs: 10 * MINUTE }),
  passwordReset: (userId: string): RateLimit => ({ key: `password:reset:${userId}`, max: 3, windowMs: HOUR }),
  passwordChange: (userId: string): RateLimit => ({ key: `password:change:${userId}`, max: 5, windowMs: 10 * MINUTE }),
  /** Single sign-ons started from one address (each writes a row until it comes back or expires). */
  ssoStart: (ip: string): RateLimit => ({ key: `sso:start:ip:${ip}`, max: 60, windowMs: 10 * MINUTE }),
  inviteAccept: (ip: string): RateLimit => ({ key: `invite:accept:ip:${ip}`, max: 5, windowMs: HOUR }),
};
