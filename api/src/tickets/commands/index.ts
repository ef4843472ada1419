// The ticket commands, one file each (tickets/commands/*.ts), around the change recorder
// (tickets/recorder.ts). Callers import them from here or from tickets/service.ts.
export { ticketContext, inCallerTransaction, systemContext } from './context.js';
export type { TicketContext, ChangeContext } from './context.js';
export { getVisibleTicket } from './load.js';
export { createTicket, createTicketToShow, type CreateTicketInput } from './create.js';
export { claimTicket } from './claim.js';
export { updateTicket, type UpdateTicketInput } from './update.js';
export { addReply } from './reply.js';
export { addNote } from './note.js';
export { mergeTicket } from './merge.js';
export { reopenTicket } from './reopen.js';
export { setWatcher } from './watch.js';
export { rateTicket } from './rate.js';
export { setStatusBySystem } from './system-status.js';
export { postSystemNotice } from './system-notice.js';
export { addDeskNote } from './desk-note.js';
