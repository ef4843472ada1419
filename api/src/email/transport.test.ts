import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, until, type SmtpCapture } from '../test/email.js';
import { SMTP_CONCURRENCY, smtpTransport } from './transport.js';

let smtp: SmtpCapture;
beforeAll(async () => {
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp.close();
});

const mail = (i: number) => ({
  from: 'Deskmate IT <support@desk.test>',
  to: `person${i}@example.test`,
  subject: `Mail ${i}`,
  text: `Body ${i}`,
  html: `<p>Body ${i}</p>`,
  messageId: `transport-${i}@desk.test`,
  headers: {},
});

describe('the SMTP transport', () => {
  it(`opens at most ${SMTP_CONCURRENCY} connections to the relay however many mails it is given at once`, async () => {
    const transport = smtpTransport(smtp.url);
    try {
      // The relay is slow to accept: every connection a send opened stays open until released.
      smtp.hold();
      const sends = Array.from({ length: 25 }, (_, i) => transport.send(mail(i)));
      await until(async () => smtp.held().waiting === SMTP_CONCURRENCY, 10_000, 'the first sends held');
      smtp.release();
      await Promise.all(sends);
      expect(smtp.mails.map((m) => m.envelope.to[0]).sort()).toEqual(
        Array.from({ length: 25 }, (_, i) => `person${i}@example.test`).sort(),
      );
      expect(smtp.mostConnections()).toBe(SMTP_CONCURRENCY);
    } finally {
      transport.close();
    }
  });
});
