import type { App, SlackViewMiddlewareArgs, AllMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isAgent, type TTicketPriority } from '@deskmate/shared';
import { userMessage, type SlackContext } from '../context.js';
import { ids } from '../render/ids.js';
import { modalContext, type TModalContext } from '../render/modals.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The value typed into a modal's input. */
const typed = (args: ViewArgs, input: { block: string; action: string }) =>
  args.view.state.values[input.block]?.[input.action]?.value?.trim() ?? '';

/** The option picked in a modal's menu. */
const picked = (args: ViewArgs, input: { block: string; action: string }) =>
  args.view.state.values[input.block]?.[input.action]?.selected_option?.value ?? '';

/**
 * A triage modal's submission, as the agent who submitted it (Slack has closed the modal already):
 * agents only; a refusal from the API is told to them in the triage channel, as only they see it.
 */
async function asAgent(
  args: ViewArgs,
  ctx: SlackContext,
  work: (api: ReturnType<SlackContext['as']>, where: TModalContext) => Promise<unknown>,
): Promise<void> {
  await args.ack();
  const where = modalContext(args.view.private_metadata);
  if (!where) return;
  const user = args.body.user.id;
  const tell = (text: string) => args.client.chat.postEphemeral({ channel: where.channel, user, text });
  const me = await ctx.identity(args.client, user);
  // Still checked here: the API lets a ticket's requester reply to it or resolve it, so it has no
  // refusal yet for a triage modal's submission (issue #17; Claim and notes ask the API).
  if (!isAgent(me)) {
    await tell('Only IT agents can work tickets from the triage card.');
    return;
  }
  try {
    await work(ctx.as(user), where);
  } catch (err) {
    await tell(`:warning: ${userMessage(err)}`);
  }
}

/** The triage card's modals. What they change reaches the card and its thread through the deliveries. */
export function registerTriageModals(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(ids.replyModal, (args) =>
    asAgent(args, ctx, async (api, { key }) => {
      const body = typed(args, ids.replyInput);
      if (body) await api.api.tickets.reply({ params: { key }, body: { body } });
    }),
  );
  app.view<ViewSubmitAction>(ids.assignModal, (args) =>
    asAgent(args, ctx, async (api, { key }) => {
      const assigneeId = picked(args, ids.assignInput);
      if (assigneeId) await api.api.tickets.update({ params: { key }, body: { assigneeId } });
    }),
  );
  app.view<ViewSubmitAction>(ids.priorityModal, (args) =>
    asAgent(args, ctx, async (api, { key }) => {
      // The modal's menu offers the priorities; the API checks the value all the same.
      const priority = picked(args, ids.priorityInput) as TTicketPriority | undefined;
      const reason = typed(args, ids.reasonInput);
      if (priority)
        await api.api.tickets.update({ params: { key }, body: { priority, ...(reason ? { reason } : {}) } });
    }),
  );
  // Resolve with a note: the internal note first, then the message to the requester (a public
  // reply), then the resolution, so the requester reads the message before the rating request.
  app.view<ViewSubmitAction>(ids.resolveModal, (args) =>
    asAgent(args, ctx, async (api, { key }) => {
      const note = typed(args, ids.resolveNoteInput);
      const message = typed(args, ids.resolutionInput);
      if (note) await api.api.tickets.note({ params: { key }, body: { body: note } });
      if (message) await api.api.tickets.reply({ params: { key }, body: { body: message } });
      await api.api.tickets.update({ params: { key }, body: { status: 'resolved' } });
    }),
  );
}
