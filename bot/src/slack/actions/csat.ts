import { userMessage } from '../context.js';
import { ids } from '../render/ids.js';
import { context, esc } from '../render/limits.js';
import type { ActionHandler } from './types.js';

/** The rating buttons of a "resolved" DM: the requester rates once, and the buttons go. */
export const csatButtons: ActionHandler = {
  matches: ids.csatPattern,
  async handle({ ack, body, action, client }, ctx) {
    await ack();
    const rating = Number(ids.csatPattern.exec(action.action_id)?.[1]);
    const key = action.type === 'button' ? action.value : undefined;
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    if (!key || !channel || !ts || !rating) return;
    await ctx.identity(client, body.user.id);
    try {
      await ctx.as(body.user.id).api.tickets.csat({ params: { key }, body: { rating } });
    } catch (err) {
      await client.chat.postEphemeral({ channel, user: body.user.id, text: `:warning: ${userMessage(err)}` });
      return;
    }
    const kept = (body.message?.blocks ?? []).filter((b: { block_id?: string }) => !b.block_id?.startsWith('csat'));
    await client.chat.update({
      channel,
      ts,
      text: `Thanks for rating ${key}`,
      blocks: [...kept, context(`:star: You rated ${esc(key)} ${rating} out of 5. Thank you!`)],
    });
  },
};
