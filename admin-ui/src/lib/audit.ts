import { ticketPath } from '@deskmate/shared';
import type { TAuditEvent } from '../api/client';

const entityNames: Readonly<Record<string, string>> = {
  ticket: 'Ticket',
  user: 'User',
  group: 'Group',
  kb_article: 'Article',
  canned_response: 'Canned response',
  announcement: 'Announcement',
  api_token: 'API token',
  settings: 'Settings',
  sla: 'SLA',
};

/**
 * The entity of an audit row as an admin reads it: a ticket by its key (linked to the ticket), a
 * user or group by name; only what has no name to give (or is gone) by the start of its id.
 */
export function auditEntity(e: Pick<TAuditEvent, 'entityType' | 'entityId' | 'entityLabel'>): {
  text: string;
  href: string | null;
} {
  const kind = entityNames[e.entityType] ?? e.entityType;
  if (e.entityLabel) {
    const href = e.entityType === 'ticket' ? ticketPath(e.entityLabel, true) : null;
    return { text: e.entityType === 'ticket' ? e.entityLabel : `${kind} ${e.entityLabel}`, href };
  }
  return { text: e.entityId ? `${kind} ${e.entityId.slice(0, 8)}` : kind, href: null };
}
