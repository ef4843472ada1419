import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifierPredictions } from '../db/schema-classifier.js';
import { tickets } from '../db/schema.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { createUserWithPassword } from '../test/auth.js';
import { createTestDatabase, dropDatabase, type TestDatabase } from '../test/db.js';
import { processInboundEmail } from './inbound.js';

/** A mail as the IMAP poller hands it over: plain text, from a known requester. */
const mail = (unique: string, subject: string, text: string) =>
  Buffer.from(
    [
      'From: Alice Example <alice@example.com>',
      'To: IT Support <support@desk.test>',
      `Subject: ${subject}`,
      `Message-ID: <${unique}@mail.example.com>`,
      'Date: Mon, 23 Nov 2026 08:41:10 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset="UTF-8"',
      '',
      text,
      '',
    ].join('\r\n'),
  );

// A worker-only process polls the mailbox (IMAP) with its own services: the ticket it files must
// be classified and floored exactly as one filed through the API process would be.
describe('email intake in a worker-role process', () => {
  let database: TestDatabase;
  let worker: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    worker = await startTestApp({
      database,
      role: 'worker',
      env: { MAIL_FROM: 'Deskmate IT <support@desk.test>', TICKET_CREATE_LIMIT: '50' },
    });
    await createUserWithPassword(database.db, { name: 'Alice Example', email: 'alice@example.com' });
  });
  afterAll(async () => {
    await worker?.stop();
    await database?.close();
    if (database) await dropDatabase(database.name);
  });

  it('gives an emailed "whole office is down" ticket the urgent floor and the classifier category', async () => {
    expect(worker.runtime.services.kb).toBeDefined();
    const result = await processInboundEmail(
      worker.runtime.services,
      mail('office-down-1', 'Nothing works', 'The whole office is down, nobody can work at all.'),
      'imap',
    );
    expect(result.outcome).toBe('created');
    const [ticket] = await database.db.select().from(tickets).where(eq(tickets.title, 'Nothing works'));
    expect(ticket?.priority).toBe('urgent');
    expect(ticket?.category).toBe('network');
    // The guess is kept to learn from corrections, as for any classified ticket.
    const predictions = await database.db
      .select()
      .from(classifierPredictions)
      .where(eq(classifierPredictions.ticketId, ticket!.id));
    expect(predictions).toHaveLength(1);
  });

  it('gives one person fully blocked the high floor', async () => {
    const result = await processInboundEmail(
      worker.runtime.services,
      mail('laptop-1', 'Laptop dead', 'I cannot work at all: my laptop will not boot.'),
      'imap',
    );
    expect(result.outcome).toBe('created');
    const [ticket] = await database.db.select().from(tickets).where(eq(tickets.title, 'Laptop dead'));
    expect(ticket?.priority).toBe('high');
  });
});
