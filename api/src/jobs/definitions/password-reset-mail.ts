import { mailPasswordReset, ZPasswordResetRequest } from '../../auth/password-reset.js';
import { defineJob } from '../registry.js';

/**
 * "Forgot password", after the answer: every request, for a known address or not, queues this
 * job and nothing else, so the answer and its timing are the same; the job looks the address up
 * and mails a link when the account exists. Its payload holds no token (the job makes it).
 */
export const passwordResetMail = defineJob({
  name: 'auth.password-reset-mail',
  payload: ZPasswordResetRequest,
  // A failed run changed nothing (one transaction): running it again is safe.
  retry: { attempts: 3, backoffMs: 10_000 },
  concurrency: 5,
  async handler(request, ctx) {
    await mailPasswordReset(ctx.db, ctx, request);
  },
});
