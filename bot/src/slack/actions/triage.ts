import type { BlockElementAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { assignableAgents, isAgent, refusedRole, type TTicketPriority } from '@deskmate/shared';
import { userMessage, type SlackContext } from '../context.js';
import { ids } from '../render/ids.js';
import { assignModal, priorityModal, replyModal, resolveModal } from '../render/modals.js';
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
 * Claim / Assign / Priority / Resolve / Reply to requester on a triage card. Only agents may act.
 * Claim acts at once; the other buttons open a modal (their submissions are in views/triage.ts),
 * within the 3 s a click's trigger lasts. The menus of cards posted before the modals (a user
 * picker, a priority menu) still act at once. The card itself is updated by the delivery that the
 * change causes, from whichever channel it came.
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
    const api = ctx.as(body.user.id);
    const params = { key };
    const where = { key, channel };
    const open = async (view: Parameters<WebClient['views']['open']>[0]['view']) =>
      client.views.open({ trigger_id: body.trigger_id, view });
    const ticket = async () => (await api.api.tickets.get({ params })).ticket;
    try {
      // Claim is asked of the API, which refuses anyone but agents (worded below).
      if (action.type === 'button' && action.action_id === ids.triageClaim) {
        await api.api.tickets.claim({ params });
        return;
      }
      // The other buttons open a modal, and the API lets a ticket's requester reply to it or
      // resolve it, so it has no refusal yet for "not from the triage card": checked here (#17).
      if (!isAgent(me)) {
        await tell(notAgent);
        return;
      }
      if (action.type === 'button') {
        switch (action.action_id) {
          case ids.triageReply:
            await open(replyModal(await ticket(), where));
            return;
          case ids.triageResolve:
            await open(resolveModal(await ticket(), where));
            return;
          case ids.triagePriority:
            await open(priorityModal(await ticket(), where));
            return;
          case ids.triageAssign: {
            const [t, directory] = await Promise.all([ticket(), api.api.users.directoryAgents()]);
            await open(assignModal(t, assignableAgents(directory.items, t), where));
            return;
          }
        }
      } else if (action.type === 'static_select' && action.selected_option) {
        // A card's priority menu offers the priorities; the API checks the value all the same.
        const priority = action.selected_option.value as TTicketPriority;
        await api.api.tickets.update({ params, body: { priority } });
      } else if (action.type === 'users_select' && action.selected_user) {
        await assign(ctx, client, api, key, action.selected_user, tell);
      }
    } catch (err) {
      await tell(refusedRole(err) === 'agent' ? notAgent : `:warning: ${userMessage(err)}`);
    }
  },
};

async function assign(
  ctx: SlackContext,
  client: WebClient,
  api: ReturnType<SlackContext['as']>,
  key: string,
  slackUserId: string,
  tell: (text: string) => Promise<unknown>,
): Promise<void> {
  const assignee = await ctx.identity(client, slackUserId);
  if (!isAgent(assignee)) {
    await tell(`<@${slackUserId}> is not an IT agent in Deskmate, so tickets cannot be assigned to them.`);
    return;
  }
  await api.api.tickets.update({ params: { key }, body: { assigneeId: assignee.id } });
}
