/**
 * Where a person opens a ticket or an article in the web app. Agents and admins work tickets in
 * the console (`/tickets/IT-1042`); a requester's view of the same ticket is in the portal
 * (`/portal/tickets/IT-1042`: the console route sends requesters to the portal's home).
 * One rule for every link Deskmate prints: chat cards, emails, the terminal chat, the portal.
 */
export const ticketPath = (key: string, agent: boolean): string =>
  `${agent ? '' : '/portal'}/tickets/${encodeURIComponent(key)}`;

export const articlePath = (slug: string): string => `/portal/kb/${encodeURIComponent(slug)}`;

/** The same paths under a base URL (PUBLIC_URL), with or without a trailing slash. */
export const ticketUrl = (base: string, key: string, agent: boolean): string =>
  `${base.replace(/\/+$/, '')}${ticketPath(key, agent)}`;

export const articleUrl = (base: string, slug: string): string => `${base.replace(/\/+$/, '')}${articlePath(slug)}`;
