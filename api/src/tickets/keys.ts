import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';

/** Allocate the next ticket number and its human key (`IT-1042`); unique under any concurrency. */
export async function nextTicketKey(db: DbOrTx, prefix: string): Promise<{ number: number; key: string }> {
  const result = await db.execute<{ n: number }>(sql`SELECT nextval('ticket_number_seq')::int AS n`);
  const n = result.rows[0]?.n;
  if (n === undefined) throw new Error('ticket_number_seq returned nothing');
  return { number: n, key: `${prefix}-${n}` };
}
