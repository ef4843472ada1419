import { type TTicket, type TTicketListQueryInput, isAgent } from '@deskmate/shared';
import type { SlackContext } from '../context.js';
import type { EventArgs } from './types.js';
import { homeView } from '../render/home.js';

const openStatuses = 'new,open,pending,on_hold';

/** App Home: published afresh each time the person opens it. */
export async function onHomeOpened({ event, client }: EventArgs<'app_home_opened'>, ctx: SlackContext): Promise<void> {
  if (event.tab !== 'home') return;
  const me = await ctx.identity(client, event.user);
  const api = ctx.as(event.user);
  const tickets = async (query: TTicketListQueryInput): Promise<TTicket[]> =>
    (await api.api.tickets.list({ query })).items;
  // Rendering, not authorisation: an agent's Home also lists what is assigned to them (the API
  // decides what each list holds).
  const agent = isAgent(me);
  const [open, recent, assigned, announcements] = await Promise.all([
    tickets({ requester: 'me', status: openStatuses, limit: '10' }),
    tickets({ requester: 'me', status: 'resolved,closed', limit: '5' }),
    agent ? tickets({ assignee: 'me', status: openStatuses, limit: '10' }) : Promise.resolve([]),
    api.api.announcements.active().then((r) => r.items),
  ]);
  await client.views.publish({
    user_id: event.user,
    view: homeView({ name: me.name, agent, open, recent, assigned, announcements }, ctx.links()),
  });
}
