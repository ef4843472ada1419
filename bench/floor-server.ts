/**
 * The floor for the create benchmark (#19, bench/create.ts): the same Express and the same pool
 * (`createDatabase`, Drizzle on node-postgres) as Deskmate, doing one transaction that inserts a
 * ticket and its audit row — and nothing else: no session, no SLA, no round-robin, no outbox.
 * Whatever Deskmate does per create above this costs is Deskmate's own.
 */
import express from 'express';
import { sql } from 'drizzle-orm';
import { createDatabase, schema } from '@deskmate/api';

const { db, pool } = createDatabase(process.env.DATABASE_URL!);
const [requester] = await db.select({ id: schema.users.id }).from(schema.users).limit(1);
if (!requester) throw new Error('floor server: the database has no users');

const app = express();
app.use(express.json());
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.post('/tickets', async (req, res) => {
  const { title, description } = req.body as { title: string; description: string };
  const ticket = await db.transaction(async (tx) => {
    const [t] = await tx
      .insert(schema.tickets)
      .values({
        number: sql`nextval('ticket_number_seq')`,
        key: sql`'FLOOR-' || currval('ticket_number_seq')`,
        title,
        description,
        priority: 'medium',
        requesterId: requester.id,
        channel: 'web',
      })
      .returning();
    await tx.insert(schema.auditEvents).values({
      actorId: requester.id,
      action: 'ticket.created',
      entityType: 'ticket',
      entityId: t!.id,
      after: t,
      channel: 'web',
    });
    return t!;
  });
  res.status(201).json({ ticket });
});
const server = app.listen(Number(process.env.PORT));
process.on('SIGTERM', () => {
  server.close();
  void pool.end();
});
