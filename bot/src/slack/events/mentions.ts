import type { EventArgs } from './types.js';

/** @Deskmate in a channel: say how to get help (tickets are opened in the DM, by /ticket or 🎫). */
export async function onMention({ event, client }: EventArgs<'app_mention'>): Promise<void> {
  if (!event.user || event.bot_id) return;
  await client.chat.postMessage({
    channel: event.channel,
    thread_ts: event.thread_ts ?? event.ts,
    text:
      `Hi <@${event.user}>! To get help from IT, send me a direct message, type \`/ticket\` followed by the problem, ` +
      'or react with :ticket: to a message to turn it into a ticket.',
  });
}
