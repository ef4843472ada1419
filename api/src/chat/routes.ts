import { endpoints, type TChatChannel } from '@deskmate/shared';
import { AppError } from '../http/errors.js';
import { bindRoute, type RouteContext } from '../http/route.js';
import { readFileBody } from '../attachments/chat-files.js';
import { addSessionFile } from './files.js';
import { chatInput, currentChat, startChat } from './service.js';

/**
 * Bots speak for Slack and Teams users (an API token acting as the chat user); people signed in
 * to the portal or the terminal speak for themselves. Neither may borrow the other's channel.
 */
function assertChannel(ctx: RouteContext<unknown, unknown, unknown>, channel: TChatChannel): void {
  const viaIntegration = ctx.auth?.kind === 'integration';
  const chatChannel = channel === 'slack' || channel === 'teams';
  if (viaIntegration !== chatChannel) {
    throw new AppError(
      'forbidden',
      chatChannel
        ? 'Slack and Teams conversations are driven by the bot'
        : 'Integrations drive Slack or Teams conversations only',
    );
  }
}

export const chatRoutes = [
  bindRoute(endpoints.chat.start, {
    access: 'user',
    handler: async (ctx) => {
      assertChannel(ctx, ctx.body.channel);
      return startChat(ctx.services, ctx.actor, ctx.user, ctx.body);
    },
  }),
  bindRoute(endpoints.chat.current, {
    access: 'user',
    handler: async (ctx) => {
      assertChannel(ctx, ctx.query.channel);
      return {
        session: await currentChat(ctx.services, ctx.user, ctx.query.channel, ctx.query.conversation),
        resumed: true,
      };
    },
  }),
  bindRoute(endpoints.chat.input, {
    access: 'user',
    handler: async (ctx) => chatInput(ctx.services, ctx.actor, ctx.user, ctx.params.id, ctx.body),
  }),
  bindRoute(endpoints.chat.addFile, {
    access: 'user',
    handler: async (ctx) => {
      const file = await addSessionFile(ctx.services, ctx.user, ctx.params.id, {
        filename: ctx.query.filename,
        declaredType: ctx.query.type ?? '',
        read: () => readFileBody(ctx.req, ctx.services),
      });
      return { file };
    },
  }),
];
