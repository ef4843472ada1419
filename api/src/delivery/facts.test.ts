import { asc } from 'drizzle-orm';
import sharp from 'sharp';
import { ZUploadResponse, type TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { outbox } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { countedDatabase, type CountedDatabase } from '../test/counted.js';
import { useTestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { FactsReader } from './facts.js';

const testDatabase = useTestDatabase();
let app: TestApp;
let agent: UserRow;
let alice: UserRow;
let counted: CountedDatabase;

beforeAll(async () => {
  const database = testDatabase.current;
  // The API alone: no relay runs, so the outbox rows the changes write stay for the test to read.
  app = await startTestApp({ database, role: 'api' });
  agent = await createUserWithPassword(database.db, { role: 'agent' });
  alice = await createUserWithPassword(database.db);
  await createGroup(database.db, { name: 'Desk', members: [agent.id] });
  counted = countedDatabase(database.url);
});
afterAll(async () => {
  await counted.close();
  await app.stop();
});

/** Statements `run` sends through the counted pool. */
async function countStatements<T>(run: (db: Database['db']) => Promise<T>): Promise<{ result: T; statements: number }> {
  const before = counted.statements();
  const result = await counted.db.transaction((tx) => run(tx as unknown as Database['db']));
  // The transaction's own begin and commit are not the reads'.
  return { result, statements: counted.statements() - before - 2 };
}

/** A file the agent uploads (POST /api/attachments, as a browser does), to send with a reply. */
async function uploadedPhoto(): Promise<string> {
  const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'steps.png');
  const res = await app.fetch('/api/attachments', {
    method: 'POST',
    headers: { cookie: sessionCookie(app, agent), origin: new URL(app.url).origin },
    body: form,
  });
  expect(res.status).toBe(201);
  return ZUploadResponse.parse(await res.json()).upload.id;
}

async function fileTicketWithReply(title: string, attachmentIds: string[] = []): Promise<void> {
  const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
    cookie: sessionCookie(app, alice),
    body: { title, description: 'It stopped this morning.' },
  });
  expect(created.status).toBe(201);
  const replied = await call(app, 'POST', `/tickets/${created.body.ticket.key}/replies`, {
    cookie: sessionCookie(app, agent),
    body: { body: `About ${title}: please restart it.`, attachmentIds },
  });
  expect(replied.status).toBeLessThan(300);
}

describe('the facts of a batch of outbox rows', () => {
  it('are the facts of each row read alone, in a number of statements that does not grow with the batch', async () => {
    await fileTicketWithReply('Printer jams', [await uploadedPhoto()]);
    const firstRows = await counted.db.select().from(outbox).orderBy(asc(outbox.id));
    for (const title of ['VPN drops', 'Laptop slow', 'Wi-Fi in room 4', 'Badge not working'])
      await fileTicketWithReply(title);
    const rows = await counted.db.select().from(outbox).orderBy(asc(outbox.id));
    // Every kind a ticket's life writes (created, changed, notified, a public reply) is in the batch.
    expect(new Set(rows.map((r) => r.kind)).size).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeGreaterThanOrEqual(firstRows.length * 4);
    const now = new Date();

    // Each row alone: a reader of its own, which has nothing to share its reads with.
    const alone = await Promise.all(rows.map((row) => new FactsReader(counted.db, now).facts(row)));
    const read = async (batch: typeof rows) =>
      countStatements((tx) => {
        const reader = new FactsReader(tx, now);
        return Promise.all(batch.map((row) => reader.facts(row)));
      });
    const together = await read(rows);
    expect(together.result).toEqual(alone);
    // A recipient, a ticket and the reply are in them: the batch did read what a row needs.
    expect(together.result.some((f) => f.recipient?.user.id === alice.id && f.ticket && f.event)).toBe(true);
    // The file sent with the first reply is among them, as its requester may see it.
    expect(together.result.flatMap((f) => f.event?.attachments ?? []).map((a) => a.filename)).toContain('steps.png');

    const small = await read(firstRows);
    expect(together.statements).toBe(small.statements);
    expect(together.statements).toBeLessThan(rows.length);
  });
});
