import type { App, BlockAction } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { csatButtons } from './csat.js';
import { homeButtons } from './home.js';
import { kbButtons } from './kb.js';
import { triageButtons } from './triage.js';
import type { ActionHandler } from './types.js';
import { wizardButtons } from './wizard.js';

const handlers: ActionHandler[] = [wizardButtons, triageButtons, csatButtons, homeButtons, kbButtons];

/**
 * Buttons and menus: the wizard's, the triage card's, CSAT, App Home's and the knowledge base's.
 * One Bolt listener dispatches to them: Bolt runs every listener's middleware for every request.
 */
export function register(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(/^(wizard|triage|csat|home|kb):/, async (args) => {
    const handler = handlers.find((h) => h.matches.test(args.action.action_id));
    if (handler) await handler.handle(args, ctx);
    else await args.ack();
  });
}
