import { and, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { users } from '../../db/schema.js';

/** Mentioned people, written as @email in the text. */
function mentionedEmails(body: string): string[] {
  return [...body.matchAll(/(?:^|\s)@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g)].map((m) => m[1]!.toLowerCase());
}

/** The agents and admins mentioned in a text. */
export async function mentionedAgents(tx: DbOrTx, body: string): Promise<string[]> {
  const emails = mentionedEmails(body);
  if (!emails.length) return [];
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        sql`lower(${users.email}) IN (${sql.join(
          emails.map((e) => sql`${e}`),
          sql`, `,
        )})`,
        inArray(users.role, ['agent', 'admin']),
      ),
    );
  return rows.map((r) => r.id);
}
