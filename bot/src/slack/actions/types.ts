import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackContext } from '../context.js';

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The buttons and menus of one feature: which action ids are its, and what to do (ack first). */
export interface ActionHandler {
  matches: RegExp;
  handle(args: ActionArgs, ctx: SlackContext): Promise<void>;
}
