import { asc, inArray, lt } from 'drizzle-orm';
import { ticketPriorities, type TTicketPriority } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Db, DbOrTx } from '../db/client.js';
import { systemActor } from '../audit/record.js';
import { groupMembers, slaEscalations, tickets } from '../db/schema.js';
import { writeOutbox, type OutboxWrite } from '../delivery/outbox.js';
import { notifyMany, type NotifyInput } from '../notifications/service.js';
import { snapshot, ticketColumns, type TicketRow } from '../tickets/presenter.js';
import { recordChanges, recordEvents, type NewEvent, type TicketChange } from '../tickets/recorder.js';
import {
  clockKind,
  dueActions,
  nextActionAt,
  readClock,
  slaColumnNames,
  type ClockName,
  type SlaActionKind,
} from './clock.js';
import { escalationOf, loadSlaSetup, type SlaSetup } from './setup.js';
import { bulkUpdateTickets, nextSlaState } from './sync.js';
import { describeInstant } from './text.js';

export interface SweepResult {
  /** Tickets the sweep acted on. */
  tickets: number;
  warnings: number;
  breaches: number;
  priorityRaised: number;
}

interface Action {
  ticket: TicketRow;
  clock: ClockName;
  kind: SlaActionKind;
  level: number;
  /** The warning instant or due time that passed. */
  at: Date;
}

const BATCH = 200;
/** A sweep stops after this many batches and leaves the rest to the next run. */
const MAX_BATCHES = 500;

const clockLabel: Record<ClockName, string> = { firstResponse: 'First response', resolution: 'Resolution' };
const raised = (p: TTicketPriority, steps: number): TTicketPriority =>
  ticketPriorities[Math.min(ticketPriorities.indexOf(p) + steps, ticketPriorities.length - 1)]!;

/**
 * The escalation sweep: warn tickets whose clocks reached the warning threshold, escalate those
 * whose due time passed. Set-based: candidates come from the `sla_next_action_at` index (only
 * tickets with something due), in batches locked with FOR UPDATE SKIP LOCKED so several workers
 * share the work without acting twice; the unique (ticket, kind, level) index on sla_escalations
 * is the last word on "once". Each batch is one transaction: the actions, the notifications and
 * outbox rows, the priority raise and the recomputed clocks commit together or not at all.
 */
export async function sweepSla(db: Db, clock: Clock, options: { batchSize?: number } = {}): Promise<SweepResult> {
  const now = clock.now();
  const batchSize = options.batchSize ?? BATCH;
  const result: SweepResult = { tickets: 0, warnings: 0, breaches: 0, priorityRaised: 0 };
  for (let i = 0; i < MAX_BATCHES; i++) {
    const taken = await db.transaction(async (tx) => {
      const rows = await tx
        .select(ticketColumns)
        .from(tickets)
        .where(lt(tickets.slaNextActionAt, now))
        .orderBy(asc(tickets.slaNextActionAt))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (rows.length) await actOnBatch(tx, rows, now, result);
      return rows.length;
    });
    if (taken < batchSize) break;
  }
  return result;
}

async function actOnBatch(tx: DbOrTx, rows: TicketRow[], now: Date, result: SweepResult): Promise<void> {
  const setup = await loadSlaSetup(tx);
  const planned: Action[] = [];
  for (const ticket of rows) {
    let level = ticket.escalationLevel;
    for (const a of dueActions(ticket, now)) {
      if (a.kind.endsWith('_breach')) level += 1;
      planned.push({ ticket, clock: a.clock, kind: a.kind, level, at: a.at });
    }
  }
  const inserted = planned.length
    ? await tx
        .insert(slaEscalations)
        .values(
          planned.map((a) => ({
            ticketId: a.ticket.id,
            kind: a.kind,
            level: a.level,
            at: now,
            data: { at: a.at.toISOString(), priority: a.ticket.priority },
          })),
        )
        .onConflictDoNothing()
        .returning({ ticketId: slaEscalations.ticketId, kind: slaEscalations.kind, level: slaEscalations.level })
    : [];
  const done = new Set(inserted.map((r) => `${r.ticketId}/${r.kind}/${r.level}`));
  const acted = planned.filter((a) => done.has(`${a.ticket.id}/${a.kind}/${a.level}`));

  const updates: TicketRow[] = [];
  const changes: { before: TicketRow; after: TicketRow; actions: Action[] }[] = [];
  for (const ticket of rows) {
    const mine = planned.filter((a) => a.ticket === ticket);
    const actions = acted.filter((a) => a.ticket === ticket);
    // Flags are set for every due action, acted on here or (by the unique index's word) before.
    let after: TicketRow = { ...ticket };
    for (const a of mine) {
      const warned = a.kind.endsWith('_warning');
      after = {
        ...after,
        ...(a.clock === 'firstResponse'
          ? warned
            ? { firstResponseWarnedAt: now }
            : { firstResponseBreachedAt: a.at }
          : warned
            ? { resolutionWarnedAt: now }
            : { resolutionBreachedAt: a.at }),
      };
    }
    const breaches = actions.filter((a) => a.kind.endsWith('_breach'));
    if (breaches.length) after.escalationLevel = Math.max(...breaches.map((a) => a.level));
    const policy = setup.policies.find((p) => p.id === ticket.slaPolicyId);
    if (breaches.length && escalationOf(policy).raisePriority && ticket.priority !== 'urgent') {
      // Once per breach, at most to urgent; the clocks are then recomputed under the new policy,
      // keeping the business time consumed (a target already used up is a breach at once).
      after.priority = raised(ticket.priority, breaches.length);
      after = { ...after, ...nextSlaState(after, now, setup) };
      result.priorityRaised++;
    } else {
      const clocks = { firstResponse: readClock(after, 'firstResponse'), resolution: readClock(after, 'resolution') };
      after.slaNextActionAt = nextActionAt(clocks);
    }
    if (actions.length) after.updatedAt = now;
    updates.push(after);
    if (actions.length) changes.push({ before: ticket, after, actions });
  }
  await bulkUpdateTickets(tx, [...slaColumnNames, 'priority', 'escalationLevel', 'updatedAt'], updates);
  if (!changes.length) return;

  result.tickets += changes.length;
  result.warnings += acted.filter((a) => a.kind.endsWith('_warning')).length;
  result.breaches += acted.filter((a) => a.kind.endsWith('_breach')).length;
  await recordActions(tx, changes, now, setup);
}

/** Timeline, audit, outbox (triage post, chat-card sync), notifications and live updates, in bulk. */
async function recordActions(
  tx: DbOrTx,
  changes: { before: TicketRow; after: TicketRow; actions: Action[] }[],
  now: Date,
  setup: SlaSetup,
): Promise<void> {
  const groupIds = [...new Set(changes.map((c) => c.after.groupId).filter((g): g is string => g !== null))];
  const members = groupIds.length
    ? await tx.select().from(groupMembers).where(inArray(groupMembers.groupId, groupIds))
    : [];
  const membersOf = (groupId: string | null) => members.filter((m) => m.groupId === groupId).map((m) => m.userId);

  const events: { ticket: TicketRow; event: NewEvent }[] = [];
  const slaRows: Record<'sla.escalation' | 'sla.warning', OutboxWrite<'sla.escalation'>[]> = {
    'sla.escalation': [],
    'sla.warning': [],
  };
  const notes: NotifyInput[] = [];
  const recorded: TicketChange[] = [];
  for (const { before, after, actions } of changes) {
    const policy = setup.policies.find((p) => p.id === before.slaPolicyId);
    const escalation = escalationOf(policy);
    const zone = setup.calendars.get(before.slaCalendarId ?? '')?.calendar.timeZone ?? 'UTC';
    const priorityChange = after.priority !== before.priority ? { from: before.priority, to: after.priority } : null;
    for (const a of actions) {
      const breach = a.kind.endsWith('_breach');
      const c = readClock(before, a.clock);
      const due = describeInstant(c.dueAt ?? a.at, zone);
      const body = breach
        ? `${clockLabel[a.clock]} target missed (due ${due}): escalated to level ${a.level}` +
          (priorityChange ? `; priority raised from ${priorityChange.from} to ${priorityChange.to}` : '')
        : `${clockLabel[a.clock]} at risk: ${policy?.warningPercent ?? 75}% of the target used, due ${due}`;
      events.push({
        ticket: before,
        event: {
          kind: 'system',
          visibility: 'internal',
          authorId: null,
          body,
          data: {
            type: breach ? 'sla_breach' : 'sla_warning',
            clock: clockKind(a.clock),
            level: a.level,
            dueAt: c.dueAt,
          },
        },
      });
      slaRows[breach ? 'sla.escalation' : 'sla.warning'].push({
        dedupeKey: `sla:${before.id}:${a.kind}:${a.level}`,
        payload: {
          ticketId: before.id,
          key: before.key,
          kind: a.kind,
          level: a.level,
          dueAt: c.dueAt?.toISOString() ?? null,
          priority: priorityChange,
          assigneeId: before.assigneeId,
          groupId: before.groupId,
          triage: breach ? escalation.notifyTriage : false,
        },
      });
      const assignee = before.assigneeId ? [before.assigneeId] : [];
      const group = membersOf(before.groupId);
      notes.push({
        userIds: breach
          ? [...(escalation.notifyAssignee ? assignee : []), ...(escalation.notifyGroup ? group : [])]
          : assignee.length
            ? assignee
            : group,
        type: 'escalation',
        ticket: before,
        title: breach
          ? `${before.key} missed its ${clockLabel[a.clock].toLowerCase()} target`
          : `${before.key} is at risk: ${clockLabel[a.clock].toLowerCase()} due ${due}`,
        body,
        visibility: 'internal',
        actorId: null,
      });
    }
    recorded.push({
      action: actions.some((a) => a.kind.endsWith('_breach')) ? 'ticket.sla_escalated' : 'ticket.sla_warned',
      before,
      after,
      visibility: 'internal',
      snapshot: slaSnapshot,
    });
  }
  // The desk acting by itself: the same recorder as every change, in bulk.
  const ctx = { actor: systemActor, services: { clock: { now: () => now } } };
  await recordEvents(tx, ctx, events);
  await writeOutbox(tx, 'sla.escalation', slaRows['sla.escalation'], 'skip');
  await writeOutbox(tx, 'sla.warning', slaRows['sla.warning'], 'skip');
  await recordChanges(tx, ctx, recorded);
  await notifyMany(tx, notes);
}

/** What the audit keeps of a ticket the sweep changed: its snapshot and escalation level. */
const slaSnapshot = (t: TicketRow) => ({ ...snapshot(t), escalationLevel: t.escalationLevel });
