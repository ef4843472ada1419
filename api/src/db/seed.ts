import { eq } from 'drizzle-orm';
import type { TTicketPriority, TTicketStatus, TChannel } from '@deskmate/shared';
import { hashPassword } from '../auth/passwords.js';
import { nextTicketKey } from '../tickets/keys.js';
import type { Logger } from '../logger.js';
import { loadSlaSetup, type SlaSetup } from '../sla/setup.js';
import { replaySla, type HistoryStep } from '../sla/sync.js';
import { ticketColumns, type TicketRow } from '../tickets/presenter.js';
import type { Db } from './client.js';
import { auditEvents, groupMembers, groups, settings, ticketEvents, tickets, users } from './schema.js';

export const DEMO_PASSWORD = 'deskmate-demo';
const DEMO_MARKER = 'demo.seeded_at';

export const demoUsers = [
  { email: 'admin@deskmate.local', name: 'Ada Admin', role: 'admin' },
  { email: 'agent@deskmate.local', name: 'Sam Agent', role: 'agent' },
  { email: 'agent2@deskmate.local', name: 'Riley Agent', role: 'agent' },
  { email: 'alice@deskmate.local', name: 'Alice Requester', role: 'requester' },
  { email: 'bob@deskmate.local', name: 'Bob Requester', role: 'requester' },
] as const;

type DemoEmail = (typeof demoUsers)[number]['email'];

interface DemoTicket {
  title: string;
  description: string;
  status: TTicketStatus;
  priority: TTicketPriority;
  category: string;
  channel: TChannel;
  requester: DemoEmail;
  assignee?: DemoEmail;
  hoursAgo: number;
  timeline?: { by: DemoEmail; kind: 'reply' | 'note'; body: string; hoursAgo: number }[];
}

const demoTickets: DemoTicket[] = [
  {
    title: 'VPN disconnects every few minutes when working from home',
    description:
      'Since yesterday the VPN client drops the connection roughly every 5 minutes. Home Wi-Fi is fine otherwise. I am on the Windows laptop.',
    status: 'open',
    priority: 'high',
    category: 'network',
    channel: 'slack',
    requester: 'alice@deskmate.local',
    assignee: 'agent@deskmate.local',
    hoursAgo: 5,
    timeline: [
      {
        by: 'agent@deskmate.local',
        kind: 'reply',
        body: 'Thanks Alice. Which VPN client version do you see under Help > About?',
        hoursAgo: 4,
      },
      { by: 'alice@deskmate.local', kind: 'reply', body: 'It says 5.2.1.', hoursAgo: 3.5 },
      {
        by: 'agent@deskmate.local',
        kind: 'note',
        body: '5.2.1 has the known keep-alive bug; push 5.3 through Intune.',
        hoursAgo: 3,
      },
    ],
  },
  {
    title: 'Locked out of my account after password change',
    description: 'I changed my password this morning and now every login says my account is locked.',
    status: 'new',
    priority: 'high',
    category: 'access',
    channel: 'teams',
    requester: 'bob@deskmate.local',
    hoursAgo: 1,
  },
  {
    title: 'Printer on 3rd floor jams on every double-sided job',
    description:
      'The HP printer near the kitchen on floor 3 jams whenever anyone prints double-sided. Single-sided works.',
    status: 'open',
    priority: 'medium',
    category: 'hardware',
    channel: 'web',
    requester: 'alice@deskmate.local',
    assignee: 'agent2@deskmate.local',
    hoursAgo: 26,
    timeline: [
      {
        by: 'agent2@deskmate.local',
        kind: 'reply',
        body: 'I will have a look at the duplex unit this afternoon.',
        hoursAgo: 24,
      },
    ],
  },
  {
    title: 'Request: Figma licence for the marketing intern',
    description: 'Our new intern (starts Monday) needs a Figma editor seat. Budget approved by Jo.',
    status: 'pending',
    priority: 'low',
    category: 'software',
    channel: 'email',
    requester: 'bob@deskmate.local',
    assignee: 'agent@deskmate.local',
    hoursAgo: 50,
    timeline: [
      {
        by: 'agent@deskmate.local',
        kind: 'reply',
        body: 'Happy to. What is the intern’s email address so I can send the invite?',
        hoursAgo: 48,
      },
      {
        by: 'agent@deskmate.local',
        kind: 'note',
        body: 'We have 2 spare seats in the Figma org; no purchase needed.',
        hoursAgo: 47.5,
      },
    ],
  },
  {
    title: 'Outlook on my phone stopped syncing email',
    description: 'The Outlook app on my iPhone shows nothing newer than Tuesday. Calendar still syncs.',
    status: 'open',
    priority: 'medium',
    category: 'email',
    channel: 'slack',
    requester: 'bob@deskmate.local',
    assignee: 'agent2@deskmate.local',
    hoursAgo: 20,
  },
  {
    title: 'Whole office lost internet in Leeds',
    description: 'Nobody in the Leeds office can reach anything outside the building since 09:10. Phones are down too.',
    status: 'resolved',
    priority: 'urgent',
    category: 'network',
    channel: 'slack',
    requester: 'alice@deskmate.local',
    assignee: 'agent@deskmate.local',
    hoursAgo: 72,
    timeline: [
      {
        by: 'agent@deskmate.local',
        kind: 'reply',
        body: 'We can see the outage; the ISP has a fibre cut and is on site.',
        hoursAgo: 71.5,
      },
      {
        by: 'agent@deskmate.local',
        kind: 'note',
        body: 'ISP ticket 88-2211. Failover to 4G router was not configured: follow up.',
        hoursAgo: 71,
      },
      {
        by: 'agent@deskmate.local',
        kind: 'reply',
        body: 'The line is back. Please tell us if anything still does not connect.',
        hoursAgo: 66,
      },
    ],
  },
  {
    title: 'Laptop very slow since the last update',
    description: 'Takes 10 minutes to boot and Teams freezes during calls. The fan is always on.',
    status: 'on_hold',
    priority: 'medium',
    category: 'hardware',
    channel: 'web',
    requester: 'alice@deskmate.local',
    assignee: 'agent2@deskmate.local',
    hoursAgo: 96,
    timeline: [
      {
        by: 'agent2@deskmate.local',
        kind: 'note',
        body: 'Replacement SSD ordered, ETA Friday. On hold until it arrives.',
        hoursAgo: 90,
      },
    ],
  },
  {
    title: 'Suspicious email asking me to confirm my payroll details',
    description:
      'I got an email from "HR Payroll" with a link to a login page that does not look like ours. I did not click it.',
    status: 'new',
    priority: 'urgent',
    category: 'security',
    channel: 'email',
    requester: 'bob@deskmate.local',
    hoursAgo: 0.5,
  },
  {
    title: 'Cannot access the Finance shared drive',
    description: 'I moved to the Finance team last week but the F: drive still says access denied.',
    status: 'open',
    priority: 'medium',
    category: 'access',
    channel: 'teams',
    requester: 'alice@deskmate.local',
    hoursAgo: 8,
  },
  {
    title: 'New starter setup for Priya (Sales), starting 3 March',
    description: 'Laptop, email, Salesforce and Slack for Priya Shah. Manager: Tom.',
    status: 'open',
    priority: 'low',
    category: 'onboarding',
    channel: 'web',
    requester: 'bob@deskmate.local',
    assignee: 'agent@deskmate.local',
    hoursAgo: 120,
  },
  {
    title: 'Wi-Fi in meeting room Oak keeps asking for the password',
    description: 'Guests and staff both get prompted again and again in Oak. Other rooms are fine.',
    status: 'closed',
    priority: 'low',
    category: 'network',
    channel: 'slack',
    requester: 'alice@deskmate.local',
    assignee: 'agent2@deskmate.local',
    hoursAgo: 240,
    timeline: [
      {
        by: 'agent2@deskmate.local',
        kind: 'reply',
        body: 'The access point in Oak was replaced. It should be stable now.',
        hoursAgo: 200,
      },
    ],
  },
  {
    title: 'MFA prompts not arriving on my new phone',
    description: 'I got a new phone and the authenticator app was not moved over. I cannot approve sign-ins.',
    status: 'new',
    priority: 'high',
    category: 'access',
    channel: 'web',
    requester: 'bob@deskmate.local',
    hoursAgo: 2,
  },
];

/**
 * SLA clocks of a demo ticket as if it had lived its history: opened, answered, then in its status
 * (pending and on hold since an hour after the last event; resolved and closed at their times).
 */
function demoSla(t: TicketRow, setup: SlaSetup, now: Date) {
  const history: HistoryStep[] = [{ at: t.createdAt, status: 'new', firstRespondedAt: null }];
  if (t.firstRespondedAt)
    history.push({ at: t.firstRespondedAt, status: 'open', firstRespondedAt: t.firstRespondedAt });
  const answered = t.firstRespondedAt;
  if (t.status === 'pending' || t.status === 'on_hold') {
    const since = new Date(
      Math.min(now.getTime(), Math.max(t.createdAt.getTime(), answered?.getTime() ?? 0) + 3_600_000),
    );
    history.push({ at: since, status: t.status, firstRespondedAt: answered });
  }
  if (t.resolvedAt) history.push({ at: t.resolvedAt, status: 'resolved', firstRespondedAt: answered });
  if (t.closedAt) history.push({ at: t.closedAt, status: 'closed', firstRespondedAt: answered });
  return replaySla(t, history, setup);
}

/** True when the demo data was seeded into this database (at any earlier start). */
export async function hasDemoData(db: Db): Promise<boolean> {
  const rows = await db.select().from(settings).where(eq(settings.key, DEMO_MARKER));
  return rows.length > 0;
}

/**
 * Seed the demo desk once: the marker row is inserted first in the same transaction, so a second
 * process racing here waits on it and then finds the work done.
 */
export async function seedDemoData(
  db: Db,
  options: { keyPrefix: string; logger: Logger; now?: Date },
): Promise<boolean> {
  const now = options.now ?? new Date();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seeded = await db.transaction(async (tx) => {
    const marker = await tx
      .insert(settings)
      .values({ key: DEMO_MARKER, value: now.toISOString() })
      .onConflictDoNothing()
      .returning();
    if (marker.length === 0) return false;

    const ids = new Map<string, string>();
    for (const u of demoUsers) {
      const [row] = await tx
        .insert(users)
        .values({ email: u.email, name: u.name, role: u.role, passwordHash })
        .onConflictDoNothing()
        .returning({ id: users.id });
      const id = row?.id ?? (await tx.select({ id: users.id }).from(users).where(eq(users.email, u.email)))[0]?.id;
      if (!id) throw new Error(`demo user ${u.email} missing`);
      ids.set(u.email, id);
    }
    const [it] = await tx
      .insert(groups)
      .values({ name: 'IT', description: 'The IT service desk', roundRobin: true })
      .onConflictDoNothing()
      .returning({ id: groups.id });
    if (it) {
      await tx.insert(settings).values({ key: 'tickets.default_group_id', value: it.id }).onConflictDoNothing();
      await tx.insert(groupMembers).values([
        { groupId: it.id, userId: ids.get('agent@deskmate.local')! },
        { groupId: it.id, userId: ids.get('agent2@deskmate.local')! },
      ]);
    }
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
    const slaSetup = await loadSlaSetup(tx);
    for (const t of demoTickets) {
      const { number, key } = await nextTicketKey(tx, options.keyPrefix);
      const createdAt = at(t.hoursAgo);
      const replies = (t.timeline ?? []).filter((e) => e.kind === 'reply' && e.by.startsWith('agent'));
      const [ticket] = await tx
        .insert(tickets)
        .values({
          number,
          key,
          title: t.title,
          description: t.description,
          status: t.status,
          priority: t.priority,
          category: t.category,
          channel: t.channel,
          requesterId: ids.get(t.requester)!,
          assigneeId: t.assignee ? ids.get(t.assignee)! : null,
          groupId: it?.id ?? null,
          firstRespondedAt: replies[0] ? at(replies[0].hoursAgo) : null,
          resolvedAt: t.status === 'resolved' || t.status === 'closed' ? at(Math.max(0, t.hoursAgo - 6)) : null,
          closedAt: t.status === 'closed' ? at(Math.max(0, t.hoursAgo - 30)) : null,
          createdAt,
          updatedAt: createdAt,
        })
        .returning(ticketColumns);
      const ticketId = ticket!.id;
      await tx
        .update(tickets)
        .set(demoSla(ticket!, slaSetup, now))
        .where(eq(tickets.id, ticketId));
      await tx.insert(ticketEvents).values([
        {
          ticketId,
          kind: 'system',
          visibility: 'public',
          body: 'Ticket created',
          data: { type: 'created' },
          channel: t.channel,
          authorId: ids.get(t.requester)!,
          createdAt,
        },
        ...(t.timeline ?? []).map((e) => ({
          ticketId,
          kind: e.kind,
          visibility: e.kind === 'note' ? ('internal' as const) : ('public' as const),
          authorId: ids.get(e.by)!,
          body: e.body,
          channel: 'web' as const,
          createdAt: at(e.hoursAgo),
        })),
      ]);
    }
    await tx.insert(auditEvents).values({
      actorType: 'system',
      action: 'demo.seeded',
      entityType: 'desk',
      after: { users: demoUsers.length, tickets: demoTickets.length },
      channel: 'system',
    });
    return true;
  });
  if (seeded) options.logger.info({ users: demoUsers.length, tickets: demoTickets.length }, 'demo data seeded');
  return seeded;
}
