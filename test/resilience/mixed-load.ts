/**
 * The mixed load of the multi-process resilience tests, and what must hold after it: tickets
 * created through every API, each new ticket claimed by five agents at once (through different
 * APIs), replies, list and search reads; meanwhile tickets with one-minute SLA targets are warned
 * and breached by the workers sweeping every second. No ticket key is handed out twice, each claim
 * race has exactly one winner, each SLA action happens exactly once, and no request fails.
 */
import type pg from 'pg';
import { expect } from 'vitest';
import { until } from '../../api/src/test/email.js';

/** Tickets that breach their first-response target during the run (urgent: one minute). */
export const BREACHING = 12;
export const AGENTS = [
  'agent@deskmate.local',
  'agent2@deskmate.local',
  'admin@deskmate.local',
  'agent3@desk.test',
  'agent4@desk.test',
];

/** One person's session, usable on any API (sessions are signed with the key they all share). */
export interface Session {
  email: string;
  cookie: string;
  request(api: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

type TicketBody = { ticket: { key: string; assignee: { id: string } | null } };

/**
 * The load on `apis` (processes started with the demo data, TICKET_CREATE_LIMIT high, workers
 * sweeping SLA every second); `client` reads the database directly for the checks.
 */
export class MixedLoad {
  /** `METHOD /path STATUS` → count, over every request of the run. */
  readonly statuses = new Map<string, number>();
  /** API base URL → requests it answered. */
  readonly served = new Map<string, number>();

  constructor(
    readonly apis: string[],
    private readonly client: pg.Client,
  ) {}

  async login(email: string): Promise<Session> {
    const res = await fetch(`${this.apis[0]}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'deskmate-demo' }),
    });
    expect(res.status, `login ${email}`).toBe(200);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { statuses, served } = this;
    return {
      email,
      cookie,
      async request(api, method, path, body) {
        const res = await fetch(`${api}/api${path}`, {
          method,
          headers: { cookie, origin: api, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const key = `${method} ${path
          .split('?')[0]!
          .replace(/[A-Z]+-\d+/, ':key')
          .replace(/[0-9a-f-]{36}/, ':id')} ${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        served.set(api, (served.get(api) ?? 0) + 1);
        return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as unknown) };
      },
    };
  }

  async rows<T extends pg.QueryResultRow>(query: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query<T>(query, params)).rows;
  }

  /** Five agents claim on the APIs; round-robin is turned off; urgent targets become one minute. */
  async setUpDesk(admin: Session): Promise<void> {
    const [first, second] = [this.apis[0]!, this.apis[1 % this.apis.length]!];
    // Two more agents, made like the demo's (same password), in the IT group.
    await this.client.query(
      `INSERT INTO users (email, name, role, password_hash)
       SELECT e.email, e.name, 'agent', u.password_hash FROM users u,
         (VALUES ('agent3@desk.test', 'Kim Agent'), ('agent4@desk.test', 'Lee Agent')) AS e(email, name)
       WHERE u.email = 'agent@deskmate.local'`,
    );
    const groups = (await admin.request(first, 'GET', '/groups')).body as {
      items: { id: string; name: string; memberIds: string[] }[];
    };
    const it = groups.items.find((g) => g.name === 'IT')!;
    const extra = await this.rows<{ id: string }>(`SELECT id FROM users WHERE email LIKE '%@desk.test'`);
    expect(
      (
        await admin.request(second, 'PUT', `/groups/${it.id}/members`, {
          memberIds: [...it.memberIds, ...extra.map((u) => u.id)],
        })
      ).status,
    ).toBe(200);
    expect((await admin.request(first, 'PATCH', `/groups/${it.id}`, { roundRobin: false })).status).toBe(200);

    // A calendar that never closes, so one minute of the target is one minute of the run.
    const calendars = (await admin.request(first, 'GET', '/sla/calendars')).body as {
      items: Record<string, unknown>[];
    };
    const always = {
      name: 'Always open',
      timeZone: 'UTC',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]]),
      ),
      holidays: [],
    };
    const putCalendars = await admin.request(first, 'PUT', '/sla/calendars', {
      items: [...calendars.items.map(({ updatedAt: _u, ...c }) => c), always],
    });
    expect(putCalendars.status).toBe(200);
    const alwaysId = (putCalendars.body as { items: { id: string; name: string }[] }).items.find(
      (c) => c.name === always.name,
    )!.id;
    const policies = (await admin.request(second, 'GET', '/sla/policies')).body as {
      items: ({ priority: string; groupId: string | null; category: string | null } & Record<string, unknown>)[];
    };
    const items = policies.items.map(({ version: _v, updatedAt: _u, ...p }) =>
      p.priority === 'urgent' && p.groupId === null && p.category === null
        ? { ...p, calendarId: alwaysId, firstResponseMinutes: 1, resolutionMinutes: 2, warningPercent: 25 }
        : p,
    );
    const putPolicies = await admin.request(second, 'PUT', '/sla/policies', { items });
    expect(putPolicies.status, JSON.stringify(putPolicies.body)).toBe(200);
  }

  /**
   * Set the desk up, run `loadMs` of load (`during` runs beside it, e.g. live-update probes), wait
   * for the breaches, and check every outcome. Returns a one-line summary.
   */
  async runAndCheck(loadMs: number, during?: (until: number) => Promise<void>): Promise<string> {
    const apis = this.apis;
    const admin = await this.login('admin@deskmate.local');
    await this.setUpDesk(admin);
    const agents = await Promise.all(AGENTS.map((e) => this.login(e)));
    const requesters = await Promise.all(['alice@deskmate.local', 'bob@deskmate.local'].map((e) => this.login(e)));
    const api = (i: number) => apis[i % apis.length]!;

    // Urgent tickets nobody answers: warned at 15 s, breached at 60 s of their first-response target.
    const breaching: string[] = [];
    for (let i = 0; i < BREACHING; i++) {
      const res = await requesters[i % 2]!.request(api(i), 'POST', '/tickets', {
        title: `Payroll export fails for team ${i}`,
        description: 'The export stops with an error.',
        priority: 'urgent',
      });
      expect(res.status).toBe(201);
      breaching.push((res.body as TicketBody).ticket.key);
    }

    const created: { key: string; api: string }[] = [];
    const races = new Map<string, { email: string; status: number; assigneeId: string | null }[]>();
    const stopAt = Date.now() + loadMs;
    let n = 0;
    const racer = async (lane: number) => {
      while (Date.now() < stopAt) {
        const i = n++;
        const requester = requesters[i % 2]!;
        const res = await requester.request(api(i), 'POST', '/tickets', {
          title: `Monitor ${i} flickers after lunch`,
          description: `The second monitor on desk ${i} flickers.`,
          priority: 'low',
        });
        if (res.status !== 201) continue;
        const key = (res.body as TicketBody).ticket.key;
        created.push({ key, api: api(i) });
        // Every agent claims it at the same moment, on alternating APIs.
        const claims = await Promise.all(
          agents.map(async (agent, a) => {
            const r = await agent.request(api(a + lane), 'POST', `/tickets/${key}/claim`);
            return {
              email: agent.email,
              status: r.status,
              assigneeId: r.status === 200 ? ((r.body as TicketBody).ticket.assignee?.id ?? null) : null,
            };
          }),
        );
        races.set(key, claims);
        const winner = claims.findIndex((c) => c.status === 200);
        if (winner >= 0 && i % 3 === 0) {
          await agents[winner]!.request(api(i + 1), 'POST', `/tickets/${key}/replies`, {
            body: 'Try another cable, please.',
          });
        }
      }
    };
    const reader = async (lane: number) => {
      let i = lane;
      while (Date.now() < stopAt) {
        const who = agents[i % agents.length]!;
        await who.request(api(i), 'GET', i % 2 ? '/tickets?q=monitor%20flickers&limit=25' : '/tickets?status=open,new');
        i++;
      }
    };
    await Promise.all([racer(0), racer(1), racer(2), reader(0), reader(1), during?.(stopAt)]);

    // The breaches fall due around the end of the load; the workers keep sweeping every second.
    await until(
      async () =>
        (
          await this.rows<{ n: number }>(
            `SELECT count(*)::int AS n FROM sla_escalations e JOIN tickets t ON t.id = e.ticket_id
             WHERE t.key = ANY($1) AND e.kind = 'first_response_breach'`,
            [breaching],
          )
        )[0]!.n === BREACHING,
      30_000,
      'every urgent ticket breached',
    );

    // Every API served, nothing failed.
    expect([...this.served.keys()].sort()).toEqual([...apis].sort());
    const failed = [...this.statuses].filter(([k]) => / (5\d\d|4(?!09)\d\d)$/.test(k));
    expect(failed).toEqual([]);

    // Keys: each acknowledged key once, and each is the ticket we created.
    const keys = [...breaching, ...created.map((c) => c.key)];
    expect(new Set(keys).size).toBe(keys.length);
    expect(created.length).toBeGreaterThan(50);
    const stored = await this.rows<{ key: string }>(`SELECT key FROM tickets WHERE key = ANY($1)`, [keys]);
    expect(stored.length).toBe(keys.length);

    // Claims: one 200 per race, the others 409, the winner is the assignee, one claim recorded.
    for (const [key, claims] of races) {
      expect(claims.filter((c) => c.status === 200).length, key).toBe(1);
      expect(claims.filter((c) => c.status === 409).length, key).toBe(AGENTS.length - 1);
    }
    const claimed = await this.rows<{ key: string; assignee: string; claims: number; assigned: number }>(
      `SELECT t.key, t.assignee_id AS assignee,
         (SELECT count(*)::int FROM audit_events a WHERE a.entity_id = t.id::text AND a.action = 'ticket.claimed') AS claims,
         (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id AND e.data->>'type' = 'assigned') AS assigned
       FROM tickets t WHERE t.key = ANY($1)`,
      [[...races.keys()]],
    );
    expect(claimed.length).toBe(races.size);
    for (const row of claimed) {
      const winner = races.get(row.key)!.find((c) => c.status === 200)!;
      expect({ key: row.key, assignee: row.assignee, claims: row.claims, assigned: row.assigned }).toEqual({
        key: row.key,
        assignee: winner.assigneeId,
        claims: 1,
        assigned: 1,
      });
    }
    // The timeline through the API says the same, on another instance.
    const sample = created[0]!;
    const other = apis.find((a) => a !== sample.api) ?? apis[0]!;
    const timeline = (await admin.request(other, 'GET', `/tickets/${sample.key}/timeline`)).body as {
      items: { data: Record<string, unknown> }[];
    };
    expect(timeline.items.filter((e) => e.data.type === 'assigned')).toHaveLength(1);

    // SLA: every action the sweeps took is in the timeline once (one snapshot: they go on sweeping).
    const [sla] = await this.rows<{ events: number; actions: number; escalations: number }>(
      `SELECT
         (SELECT count(*)::int FROM ticket_events WHERE data->>'type' IN ('sla_warning', 'sla_breach')) AS events,
         (SELECT count(*)::int FROM (SELECT DISTINCT ticket_id, data->>'type', data->>'clock', data->>'level'
            FROM ticket_events WHERE data->>'type' IN ('sla_warning', 'sla_breach')) d) AS actions,
         (SELECT count(*)::int FROM sla_escalations) AS escalations`,
    );
    expect(sla!.events).toBe(sla!.actions);
    expect(sla!.events).toBe(sla!.escalations);
    expect(sla!.escalations).toBeGreaterThanOrEqual(2 * BREACHING);
    const perBreaching = await this.rows<{ key: string; warnings: number; breaches: number; audits: number }>(
      `SELECT t.key,
         (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id AND e.data->>'type' = 'sla_warning'
            AND e.data->>'clock' = 'first_response') AS warnings,
         (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_id = t.id AND e.data->>'type' = 'sla_breach'
            AND e.data->>'clock' = 'first_response') AS breaches,
         (SELECT count(*)::int FROM audit_events a WHERE a.entity_id = t.id::text
            AND a.action = 'ticket.sla_escalated') AS audits
       FROM tickets t WHERE t.key = ANY($1) ORDER BY t.key`,
      [breaching],
    );
    for (const row of perBreaching) {
      expect(row, row.key).toMatchObject({ warnings: 1, breaches: 1, audits: 1 });
    }
    const notified = await this.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT user_id, ticket_id, title FROM notifications WHERE type = 'escalation'
         GROUP BY 1, 2, 3 HAVING count(*) > 1) d`,
    );
    expect(notified[0]!.n).toBe(0);
    return (
      `${created.length + BREACHING} tickets, ${races.size} claim races, ${sla!.events} SLA actions; ` +
      `requests ${JSON.stringify(Object.fromEntries(this.statuses))}`
    );
  }
}
