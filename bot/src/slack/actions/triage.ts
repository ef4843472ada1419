import type { BlockElementAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { ZTicketResponse } from '@deskmate/shared';
import { isAgent, userMessage, type SlackContext } from '../context.js';
import { ids } from '../render/ids.js';
import type { ActionHandler } from './types.js';

const notAgent =
  'Only IT agents can work tickets from the triage card. To ask for help yourself, DM me or use `/ticket`.';

function keyOf(action: BlockElementAction): string | null {
  const fromBlock = action.block_id.startsWith('triage:')
    ? action.block_id.slice('triage:'.length).split('|')[0]
    : undefined;
  const key = action.type === 'button' ? (action.value ?? fromBlock) : fromBlock;
  return key && /^[A-Z][A-Z0-9]{0,9}-\d{1,9}$/.test(key) ? key : null;
}

/**
 * Claim / Assign / Priority / Resolve on a triage card. Only agents may act; the card itself is
 * updated by the delivery that the change causes, from whichever channel it came.
 */
export const triageButtons: ActionHandler = {
  matches: ids.triagePattern,
  async handle({ ack, body, action, client }, ctx) {
    await ack();
    const channel = body.channel?.id;
    const key = keyOf(action);
    if (!channel || !key) return;
    const tell = (text: string) => client.chat.postEphemeral({ channel, user: body.user.id, text });
    const me = await ctx.identity(client, body.user.id);
    if (!isAgent(me)) {
      await tell(notAgent);
      return;
    }
    const api = ctx.as(body.user.id);
    const path = `/api/tickets/${encodeURIComponent(key)}`;
    try {
      if (action.action_id === ids.triageClaim) {
        await api.request('POST', `${path}/claim`, ZTicketResponse);
      } else if (action.action_id === ids.triageResolve) {
        await api.request('PATCH', path, ZTicketResponse, { status: 'resolved' });
      } else if (action.type === 'static_select' && action.selected_option) {
        await api.request('PATCH', path, ZTicketResponse, { priority: action.selected_option.value });
      } else if (action.type === 'users_select' && action.selected_user) {
        await assign(ctx, client, api, path, action.selected_user, tell);
      }
    } catch (err) {
      await tell(`:warning: ${userMessage(err)}`);
    }
  },
};

async function assign(
  ctx: SlackContext,
  client: WebClient,
  api: ReturnType<SlackContext['as']>,
  path: string,
  slackUserId: string,
  tell: (text: string) => Promise<unknown>,
): Promise<void> {
  const assignee = await ctx.identity(client, slackUserId);
  if (!isAgent(assignee)) {
    await tell(`<@${slackUserId}> is not an IT agent in Deskmate, so tickets cannot be assigned to them.`);
    return;
  }
  await api.request('PATCH', path, ZTicketResponse, { assigneeId: assignee.id });
}
