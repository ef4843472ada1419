import { z } from 'zod';
import { ZWizardInput, ZWizardPrompt, ZWizardStep } from '../wizard/schemas.js';
import { ZAttachmentIds } from './attachments.js';

export const chatChannels = ['slack', 'teams', 'web', 'terminal'] as const;
export const ZChatChannel = z.enum(chatChannels);
export type TChatChannel = z.infer<typeof ZChatChannel>;

/** Start or resume the intake wizard in a conversation (a DM, a chat, the portal, a terminal). */
export const ZChatStartRequest = z
  .object({
    channel: ZChatChannel,
    /** The conversation within the channel (Slack channel id, Teams conversation id); default one per user. */
    conversation: z.string().trim().max(200).optional(),
    /** Start afresh with this description (`/ticket my vpn is down`, a message shortcut). */
    text: z.string().max(8000).optional(),
    /** Where a prefilled text came from (a Slack message permalink), kept with the ticket. */
    sourceUrl: z.url().max(2000).optional(),
    /** Who wrote the prefilled text (the author of a message turned into a ticket), kept with it. */
    sourceAuthor: z.string().trim().min(1).max(200).optional(),
    /**
     * False when the text is what the person already searched the knowledge base with (the help
     * centre's "Still need help?"): no articles are offered again.
     */
    offerArticles: z.boolean().optional(),
  })
  .strict();

export const ZChatInputRequest = z
  .object({
    input: ZWizardInput,
    /** The session version the client saw; a stale one gets 409 with the current prompt. */
    version: z.number().int().min(0).optional(),
    /** Your uploads, attached to the ticket this input files (ignored by an input that files none). */
    attachmentIds: ZAttachmentIds.optional(),
  })
  .strict();

export const ZChatSession = z.object({
  id: z.string(),
  channel: ZChatChannel,
  conversation: z.string(),
  version: z.number().int(),
  step: ZWizardStep,
  finished: z.boolean(),
  prompt: ZWizardPrompt,
  ticketKey: z.string().nullable(),
  updatedAt: z.string(),
});
export type TChatSession = z.infer<typeof ZChatSession>;
export const ZChatSessionResponse = z.object({ session: ZChatSession, resumed: z.boolean() });

export const ZCurrentChatQuery = z
  .object({ channel: ZChatChannel, conversation: z.string().max(200).optional() })
  .strict();
