import {
  ZChatFileQuery,
  ZChatFileResponse,
  ZChatInputRequest,
  ZChatSessionResponse,
  ZChatStartRequest,
  ZCurrentChatQuery,
  ZIdParams,
  type TChatChannel,
} from '@deskmate/shared';
import { AppError } from '../http/errors.js';
import { defineRoute, type RouteContext } from '../http/route.js';
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
  defineRoute({
    method: 'post',
    path: '/chat/sessions',
    access: 'user',
    summary: 'Start or resume the intake wizard in a conversation',
    body: ZChatStartRequest,
    response: ZChatSessionResponse,
    handler: async (ctx) => {
      assertChannel(ctx, ctx.body.channel);
      return startChat(ctx.services, ctx.actor, ctx.user, ctx.body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/chat/sessions/current',
    access: 'user',
    summary: 'The conversation in a channel, as it is now',
    query: ZCurrentChatQuery,
    response: ZChatSessionResponse,
    handler: async (ctx) => {
      assertChannel(ctx, ctx.query.channel);
      return {
        session: await currentChat(ctx.services, ctx.user, ctx.query.channel, ctx.query.conversation),
        resumed: true,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/chat/sessions/:id/input',
    access: 'user',
    summary: 'Answer the wizard: text, a choice, back, cancel, restart',
    params: ZIdParams,
    body: ZChatInputRequest,
    response: ZChatSessionResponse,
    handler: async (ctx) => chatInput(ctx.services, ctx.actor, ctx.user, ctx.params.id, ctx.body),
  }),
  defineRoute({
    method: 'post',
    path: '/chat/sessions/:id/files',
    access: 'user',
    summary:
      'Add a file (the body, application/octet-stream; ?filename=&type=) to the ticket this conversation is about to file: judged by its bytes like an upload',
    params: ZIdParams,
    query: ZChatFileQuery,
    response: ZChatFileResponse,
    status: 201,
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
