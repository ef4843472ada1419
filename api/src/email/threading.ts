/**
 * Message-IDs that name the ticket and the event: `<IT-1042.<notification or delivery id>@domain>`.
 * Every mail about a ticket also refers to the ticket's thread root `<IT-1042@domain>` (a
 * Message-ID no mail carries), so that mail clients thread a ticket's mail even when a person never
 * received its first message, and a reply can be traced by its References alone.
 */
export const threadRootId = (ticketKey: string, domain: string): string => `${ticketKey}@${domain}`;

export const ticketMessageId = (ticketKey: string, id: string, domain: string): string =>
  `${ticketKey}.${id}@${domain}`;

/** Mail not about a ticket (sign-in codes, invitations). */
export const plainMessageId = (id: string, domain: string): string => `deskmate.${id}@${domain}`;

export const bracket = (id: string): string => `<${id}>`;

/** The Message-IDs in a Message-ID, In-Reply-To or References header, without brackets, in order. */
export function parseMessageIds(header: string | string[] | undefined | null): string[] {
  if (!header) return [];
  const text = Array.isArray(header) ? header.join(' ') : header;
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  if (ids.length) return ids;
  // Some clients drop the brackets.
  return text.split(/\s+/).filter((s) => /^[^@\s]+@[^@\s]+$/.test(s));
}

/** The ticket key of our thread root `<IT-1042@domain>`, or null. */
export function ticketKeyOfRoot(id: string, domain: string, prefix: string): string | null {
  const match = new RegExp(`^(${prefix}-\\d+)@${domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i').exec(id);
  return match ? match[1]!.toUpperCase() : null;
}

/** At most the root and the last few ids: References grow with each message, clients cap them too. */
export function nextReferences(root: string, previous: string[], parent: string | null): string[] {
  const chain = [...previous.filter((id) => id !== root), ...(parent && parent !== root ? [parent] : [])];
  return [root, ...chain.slice(-9)];
}
