import type { App, SlackViewMiddlewareArgs, AllMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { fromTriageCard, refusedRole, type TTicketPriority } from '@deskmate/shared';
import { notAgent } from '../actions/triage.js';
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
 * A triage modal's submission, as the person who submitted it (Slack has closed the modal
 * already), through the API saying it comes from the triage card: the API decides (agents only
 * there), and its refusal is told to them in the triage channel, as only they see it.
 */
async function fromCard(
  args: ViewArgs,
  ctx: SlackContext,
  work: (api: ReturnType<SlackContext['as']>, where: TModalContext) => Promise<unknown>,
): Promise<void> {
  await args.ack();
  const where = modalContext(args.view.private_metadata);
  if (!where) return;
  const user = args.body.user.id;
  const tell = (text: string) => args.client.chat.postEphemeral({ channel: where.channel, user, text });
  // Who submitted is known to the API before it is asked as them (their role is the API's to weigh).
  await ctx.identity(args.client, user);
  try {
    await work(ctx.as(user), where);
  } catch (err) {
    await tell(refusedRole(err) === 'agent' ? notAgent : `:warning: ${userMessage(err)}`);
  }
}

/** The triage card's modals. What they change reaches the card and its thread through the deliveries. */
export function registerTriageModals(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(ids.replyModal, (args) =>
    fromCard(args, ctx, async (api, { key }) => {
      const body = typed(args, ids.replyInput);
      if (body) await api.api.tickets.reply({ params: { key }, body: { body, ...fromTriageCard } });
    }),
  );
  app.view<ViewSubmitAction>(ids.assignModal, (args) =>
    fromCard(args, ctx, async (api, { key }) => {
      const assigneeId = picked(args, ids.assignInput);
      if (assigneeId) await api.api.tickets.update({ params: { key }, body: { assigneeId, ...fromTriageCard } });
    }),
  );
  app.view<ViewSubmitAction>(ids.priorityModal, (args) =>
    fromCard(args, ctx, async (api, { key }) => {
      // The modal's menu offers the priorities; the API checks the value all the same.
      const priority = picked(args, ids.priorityInput) as TTicketPriority | undefined;
      const reason = typed(args, ids.reasonInput);
      if (priority)
        await api.api.tickets.update({
          params: { key },
          body: { priority, ...(reason ? { reason } : {}), ...fromTriageCard },
        });
    }),
  );
  // Resolve with a note: the internal note first, then the message to the requester (a public
  // reply), then the resolution, so the requester reads the message before the rating request.
  app.view<ViewSubmitAction>(ids.resolveModal, (args) =>
    fromCard(args, ctx, async (api, { key }) => {
      const note = typed(args, ids.resolveNoteInput);
      const message = typed(args, ids.resolutionInput);
      if (note) await api.api.tickets.note({ params: { key }, body: { body: note } });
      if (message) await api.api.tickets.reply({ params: { key }, body: { body: message, ...fromTriageCard } });
      await api.api.tickets.update({ params: { key }, body: { status: 'resolved', ...fromTriageCard } });
    }),
  );
}
