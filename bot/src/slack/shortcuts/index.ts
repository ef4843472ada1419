import type { App, MessageShortcut } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { startConversation } from '../conversation.js';
import { ids } from '../render/ids.js';
import { fromSlack } from '../text.js';

/**
 * "Create ticket" on any message: the wizard in the DM, pre-filled with the message, its
 * permalink and its author's name.
 */
export function register(app: App, ctx: SlackContext): void {
  app.shortcut<MessageShortcut>(ids.createTicketShortcut, async ({ ack, shortcut, client }) => {
    await ack();
    let sourceUrl: string | undefined;
    try {
      const res = await client.chat.getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message.ts });
      sourceUrl = res.permalink;
    } catch (err) {
      // A channel the bot cannot read: the ticket still gets the text, without the link.
      ctx.logger.warn({ err: (err as Error).message }, 'slack: no permalink for a shortcut message');
    }
    // Who wrote the message, by name (a lookup only: the author gets no Deskmate account from it).
    const authorId = shortcut.message.user;
    const sourceAuthor = authorId
      ? await client.users
          .info({ user: authorId })
          .then((r) => r.user?.real_name || r.user?.profile?.real_name || r.user?.name || undefined)
          .catch(() => undefined)
      : undefined;
    await startConversation(ctx, client, shortcut.user.id, {
      text: fromSlack(shortcut.message.text),
      sourceUrl,
      sourceAuthor,
    });
  });
}
