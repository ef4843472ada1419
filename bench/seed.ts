/**
 * The scale dataset: 1,000 users (10 agents in one round-robin group), 100,000 tickets with
 * realistic words, and a public reply on every tenth — generated inside PostgreSQL in seconds.
 */
import pg from 'pg';
import { hashPassword } from '../api/src/auth/passwords.js';

export const BENCH_PASSWORD = 'bench-password-123';

/**
 * SLA clocks for the seeded tickets under the default policies (migration 0005): new and open
 * tickets run, with due times spread over the coming weeks (none due while the benchmarks run);
 * pending and on-hold ones are paused; resolved and closed ones stopped. Written in SQL, not
 * replayed through the ticket functions, so 100,000 tickets take a second.
 */
export const SLA_STATE_SQL = `
  UPDATE tickets t SET
    sla_policy_id = p.id, sla_policy_version = p.version, sla_calendar_id = p.calendar_id,
    first_response_target_ms = p.first_response_minutes * 60000,
    resolution_target_ms = p.resolution_minutes * 60000,
    first_response_consumed_ms = 0, resolution_consumed_ms = (t.number % 60) * 60000,
    first_response_running_since = CASE WHEN t.status IN ('new', 'open') THEN now() END,
    resolution_running_since = CASE WHEN t.status IN ('new', 'open') THEN now() END,
    first_response_due_at = CASE WHEN t.status IN ('new', 'open') THEN now() + interval '3 hours' + (t.number % 20000) * interval '1 minute' END,
    first_response_warn_at = CASE WHEN t.status IN ('new', 'open') THEN now() + interval '2 hours' + (t.number % 20000) * interval '1 minute' END,
    resolution_due_at = CASE WHEN t.status IN ('new', 'open') THEN now() + interval '2 days' + (t.number % 20000) * interval '1 minute' END,
    resolution_warn_at = CASE WHEN t.status IN ('new', 'open') THEN now() + interval '1 day' + (t.number % 20000) * interval '1 minute' END,
    sla_next_action_at = CASE WHEN t.status IN ('new', 'open') THEN now() + interval '2 hours' + (t.number % 20000) * interval '1 minute' END,
    sla_paused_at = CASE WHEN t.status IN ('pending', 'on_hold') THEN t.updated_at END,
    pending_since = CASE WHEN t.status = 'pending' THEN t.updated_at END
  FROM sla_policies p
  WHERE p.active AND p.group_id IS NULL AND p.category IS NULL AND p.priority = t.priority`;

export async function seedScale(
  url: string,
  options: { tickets?: number; users?: number } = {},
): Promise<{ agentEmail: string; adminEmail: string }> {
  const ticketCount = options.tickets ?? 100_000;
  const userCount = options.users ?? 1_000;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const hash = await hashPassword(BENCH_PASSWORD, 10);
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO users (email, name, role, password_hash)
       SELECT 'user' || i || '@bench.test', 'User ' || i,
              (CASE WHEN i <= 2 THEN 'admin' WHEN i <= 12 THEN 'agent' ELSE 'requester' END)::user_role, $1
       FROM generate_series(1, $2::int) AS i`,
      [hash, userCount],
    );
    const group = await client.query<{ id: string }>(
      `INSERT INTO groups (name, round_robin) VALUES ('Bench desk', true) RETURNING id`,
    );
    const groupId = group.rows[0]!.id;
    await client.query(
      `INSERT INTO group_members (group_id, user_id) SELECT $1, id FROM users WHERE role IN ('agent', 'admin')`,
      [groupId],
    );
    await client.query(
      `INSERT INTO settings (key, value) VALUES ('tickets.default_group_id', to_jsonb($1::text)) ON CONFLICT (key) DO NOTHING`,
      [groupId],
    );
    await client.query(
      `WITH words AS (
         SELECT ARRAY['VPN','printer','Outlook','laptop','Wi-Fi','password','MFA','Teams','monitor','shared drive','licence','phone','badge','keyboard','OneDrive'] AS things,
                ARRAY['keeps disconnecting','will not start','is very slow','shows an error','stopped syncing','is locked','needs access','is missing','crashes at login','cannot connect'] AS problems
       ),
       requesters AS (SELECT array_agg(id) AS ids FROM users WHERE role = 'requester'),
       agents AS (SELECT array_agg(id) AS ids FROM users WHERE role = 'agent')
       INSERT INTO tickets (number, key, title, description, status, priority, category, requester_id, assignee_id, group_id, channel, created_at, updated_at)
       SELECT nextval('ticket_number_seq') AS n, 'IT-' || currval('ticket_number_seq'),
              things[1 + i % 15] || ' ' || problems[1 + (i / 15) % 10],
              'Since this morning my ' || things[1 + i % 15] || ' ' || problems[1 + (i / 15) % 10] || '. I tried restarting. Ticket number ' || i || '.',
              (ARRAY['new','open','open','pending','on_hold','resolved','closed','closed'])[1 + i % 8]::ticket_status,
              (ARRAY['low','medium','medium','high','urgent'])[1 + i % 5]::ticket_priority,
              (ARRAY['network','hardware','software','access','email'])[1 + i % 5],
              requesters.ids[1 + i % array_length(requesters.ids, 1)],
              CASE WHEN i % 3 = 0 THEN NULL ELSE agents.ids[1 + i % array_length(agents.ids, 1)] END,
              $1,
              (ARRAY['web','slack','teams','email'])[1 + i % 4]::channel,
              now() - (i || ' minutes')::interval,
              now() - (i || ' minutes')::interval + interval '5 minutes'
       FROM generate_series(1, $2::int) AS i, words, requesters, agents`,
      [groupId, ticketCount],
    );
    await client.query(
      `INSERT INTO ticket_events (ticket_id, kind, visibility, author_id, body, created_at)
       SELECT id, 'reply', 'public', assignee_id, 'Thanks, we are looking into it. Please try reconnecting to the VPN.', updated_at
       FROM tickets WHERE assignee_id IS NOT NULL AND number % 10 = 0`,
    );
    await client.query(
      `UPDATE tickets SET replies_text = 'Thanks, we are looking into it. Please try reconnecting to the VPN.' WHERE assignee_id IS NOT NULL AND number % 10 = 0`,
    );
    await client.query(SLA_STATE_SQL);
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    await client.end();
  }
  return { agentEmail: 'user3@bench.test', adminEmail: 'user1@bench.test' };
}
