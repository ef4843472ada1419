import { articleUrl as articleUrlFor, ticketUrl as ticketUrlFor } from '@deskmate/shared';

/** Where cards link to: the Deskmate console (PUBLIC_URL), agents' and requesters' views. */
export interface TLinks {
  /** The console's base URL, without a trailing slash. */
  console: string;
}

export const ticketUrl = (links: TLinks, key: string, agent: boolean) => ticketUrlFor(links.console, key, agent);

export const articleUrl = (links: TLinks, slug: string) => articleUrlFor(links.console, slug);
