import type { BlockElementAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { assignableAgents, refusedRole, fromTriageCard, type TTicketPriority } from '@deskmate/shared';
import { userMessage, type SlackContext } from '../context.js';
import { ids } from '../render/ids.js';
import { assignModal, priorityModal, replyModal, resolveModal } from '../render/modals.js';
import type { ActionHandler } from './types.js';

/** What a person reads when the API refuses them a triage card's action (it is agents' work). */
export const notAgent =
  'Only IT agents can work tickets from the triage card. To ask for help yourself, DM me or use `/ticket`.';

function keyOf(action: BlockElementAction): string | null {
  const fromBlock = action.block_id.startsWith('triage:')
    ? action.block_id.slice('triage:'.length).split('|')[0]
    : undefined;
  const key = action.type === 'button' ? (action.value ?? fromBlock) : fromBlock;
  return key && /^[A-Z][A-Z0-9]{0,9}-\d{1,9}$/.test(key) ? key : null;
}

/**
 * Claim / Assign / Priority / Resolve / Reply to requester on a triage card. Each asks the API as
 * the person who clicked, saying it comes from the triage card, and the API refuses anyone but
 * agents there (worded by `notAgent`, shown to that person only). Claim acts at once; the other
 * buttons read the ticket that way and open a modal (their submissions are in views/triage.ts),
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
    // Who clicked is known to the API before it is asked as them (their role is the API's to weigh).
    await ctx.identity(client, body.user.id);
    const api = ctx.as(body.user.id);
    const params = { key };
    const where = { key, channel };
    const open = async (view: Parameters<WebClient['views']['open']>[0]['view']) =>
      client.views.open({ trigger_id: body.trigger_id, view });
    // Read as from the triage card, so that the API refuses a non-agent before a modal opens.
    const ticket = async () => (await api.api.tickets.get({ params, query: fromTriageCard })).ticket;
    try {
      if (action.type === 'button') {
        switch (action.action_id) {
          case ids.triageClaim:
            await api.api.tickets.claim({ params });
            return;
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
        await api.api.tickets.update({ params, body: { priority, ...fromTriageCard } });
      } else if (action.type === 'users_select' && action.selected_user) {
        await assign(ctx, client, api, key, action.selected_user);
      }
    } catch (err) {
      await tell(refusedRole(err) === 'agent' ? notAgent : `:warning: ${userMessage(err)}`);
    }
  },
};

/**
 * The user picker of an older card: the Slack user picked, as a Deskmate user. Whether they can be
 * assigned is the API's to say (only agents; its words are the same as for the Assign modal's).
 */
async function assign(
  ctx: SlackContext,
  client: WebClient,
  api: ReturnType<SlackContext['as']>,
  key: string,
  slackUserId: string,
): Promise<void> {
  const assignee = await ctx.identity(client, slackUserId);
  await api.api.tickets.update({ params: { key }, body: { assigneeId: assignee.id, ...fromTriageCard } });
}
