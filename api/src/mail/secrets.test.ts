import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailMessages } from '../db/schema.js';
import { EmailSender } from '../email/sender.js';
import { startSmtpCapture, until, type CapturedMail, type SmtpCapture } from '../test/email.js';
import type { UserRow } from '../http/context.js';
import { captureLogger } from '../logger.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie, TEST_PASSWORD } from '../test/auth.js';

/**
 * Every mail that carries a secret (an emailed sign-in code, a reset link, an invitation link),
 * sent through a real SMTP relay: once sent, the secret is in no log line (at trace level, request
 * logs included), in no stored subject or body, and in no admin view.
 */
let smtp: SmtpCapture;
let app: TestApp;
let admin: UserRow;
const log = captureLogger('trace');
const NEW_PASSWORD = 'a brand new passphrase for deskmate';

beforeAll(async () => {
  smtp = await startSmtpCapture();
  app = await startTestApp({
    logger: log.logger,
    senders: [new EmailSender()],
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Deskmate IT <support@desk.test>',
      PUBLIC_URL: 'https://desk.test',
      JOBS_PROCESS_EVERY: '100ms',
      OUTBOX_POLL_INTERVAL: '200ms',
      LOG_LEVEL: 'trace',
    },
  });
  admin = await createUserWithPassword(app.database.db, { role: 'admin' });
});
afterAll(async () => {
  await app.stop();
  await smtp.close();
});

async function nextMail(to: string, seen: number): Promise<CapturedMail> {
  await until(() => smtp.to(to).length > seen, 15_000, `mail to ${to}`);
  return smtp.to(to)[seen]!;
}
const linkToken = (mail: CapturedMail) => /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '')?.[1] ?? '';
const allSent = () =>
  until(
    async () => (await app.database.db.select().from(mailMessages)).every((m) => m.status === 'sent'),
    15_000,
    'every mail sent through the relay',
  );
const codeIn = (mail: CapturedMail) => /\b(\d{6})\b/.exec(mail.parsed.text ?? '')?.[1] ?? '';

describe('secrets never reach logs or stored rows once sent', () => {
  const secrets: string[] = [];

  it('an invitation, a password reset and emailed sign-in codes each arrive and work', async () => {
    // Invitation: the link's token opens the account.
    const invited = await call(app, 'POST', '/users/invite', {
      cookie: sessionCookie(app, admin),
      body: { email: 'new.agent@example.com', name: 'New Agent', role: 'agent' },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const invite = linkToken(await nextMail('new.agent@example.com', 0));
    expect(invite.length).toBeGreaterThanOrEqual(20);
    secrets.push(invite);
    await app.fetch(`/accept-invite?token=${invite}`); // the console page the link opens
    const accepted = await call(app, 'POST', '/auth/invite/accept', {
      body: { token: invite, password: NEW_PASSWORD },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    // Password reset: the link's token sets a new password.
    const forgetful = await createUserWithPassword(app.database.db, { email: 'forgetful@example.com' });
    expect((await call(app, 'POST', '/auth/password/forgot', { body: { email: forgetful.email } })).status).toBe(202);
    const reset = linkToken(await nextMail(forgetful.email, 0));
    expect(reset.length).toBeGreaterThanOrEqual(20);
    secrets.push(reset);
    await app.fetch(`/reset-password?token=${reset}`);
    const changed = await call(app, 'POST', '/auth/password/reset', { body: { token: reset, password: NEW_PASSWORD } });
    expect(changed.status, JSON.stringify(changed.body)).toBeLessThan(300);

    // Emailed sign-in codes: at sign-in, on resend, and to confirm turning email 2FA off.
    const careful = await createUserWithPassword(app.database.db, {
      email: 'careful@example.com',
      twoFactorMethod: 'email',
    });
    const login = await call(app, 'POST', '/auth/login', { body: { email: careful.email, password: TEST_PASSWORD } });
    expect(login.body).toEqual({ twoFactorRequired: true, method: 'email' });
    const first = codeIn(await nextMail(careful.email, 0));
    expect(first).toMatch(/^\d{6}$/);
    const resent = await call(app, 'POST', '/auth/2fa/resend', { cookie: login.cookie });
    expect(resent.status).toBe(202);
    await allSent();
    // A resend may reuse a still-valid code or send a new one; either way the newest mail's code signs in.
    const code = codeIn(smtp.to(careful.email).at(-1)!);
    secrets.push(...new Set([first, code]));
    const verified = await call(app, 'POST', '/auth/2fa/verify', { cookie: login.cookie, body: { code } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const before = smtp.to(careful.email).length;
    expect((await call(app, 'POST', '/auth/2fa/email/send', { cookie: verified.cookie })).status).toBe(202);
    const third = codeIn(await nextMail(careful.email, before));
    expect(third).toMatch(/^\d{6}$/);
    secrets.push(third);

    // Every one of them went through the relay, not into the dev outbox.
    await allSent();
  });

  it('no log line holds a code or token (the logs were written at trace level, request lines included)', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const logs = log.lines.join('');
    expect(logs).toContain('mail queued'); // the capture did see the mail being queued
    expect(logs).toContain('/reset-password'); // …and the request for the page the link opens
    for (const secret of secrets) expect(logs, `a secret of ${secret.length} characters`).not.toContain(secret);
  });

  it('no stored mail row keeps a code or token in its subject, text or HTML', async () => {
    const rows = await app.database.db.select().from(mailMessages);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });

  it('the admin view of mail shows none of them', async () => {
    const res = await call(app, 'GET', '/admin/mail', { cookie: sessionCookie(app, admin) });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).toContain('Your Deskmate sign-in code');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
