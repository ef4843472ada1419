/** Where cards link to: the Deskmate console (PUBLIC_URL), agents' and requesters' views. */
export interface TLinks {
  /** The console's base URL, without a trailing slash. */
  console: string;
}

export const ticketUrl = (links: TLinks, key: string, agent: boolean) =>
  `${links.console}${agent ? '' : '/portal'}/tickets/${encodeURIComponent(key)}`;

export const articleUrl = (links: TLinks, slug: string) => `${links.console}/portal/kb/${encodeURIComponent(slug)}`;
