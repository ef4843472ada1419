import { z } from 'zod';

/** Roles, statuses and other enumerations shared by the database, the API and the channels. */
export const userRoles = ['requester', 'agent', 'admin'] as const;
export const ZUserRole = z.enum(userRoles);
export type TUserRole = z.infer<typeof ZUserRole>;

export const ticketStatuses = ['new', 'open', 'pending', 'on_hold', 'resolved', 'closed'] as const;
export const ZTicketStatus = z.enum(ticketStatuses);
export type TTicketStatus = z.infer<typeof ZTicketStatus>;

export const ticketPriorities = ['low', 'medium', 'high', 'urgent'] as const;
export const ZTicketPriority = z.enum(ticketPriorities);
export type TTicketPriority = z.infer<typeof ZTicketPriority>;

export const channels = ['web', 'slack', 'teams', 'email', 'api', 'system'] as const;
export const ZChannel = z.enum(channels);
export type TChannel = z.infer<typeof ZChannel>;

export const ticketEventKinds = ['reply', 'note', 'system'] as const;
export const ZTicketEventKind = z.enum(ticketEventKinds);
export type TTicketEventKind = z.infer<typeof ZTicketEventKind>;

export const visibilities = ['public', 'internal'] as const;
export const ZVisibility = z.enum(visibilities);
export type TVisibility = z.infer<typeof ZVisibility>;

export const twoFactorMethods = ['none', 'email', 'totp'] as const;
export type TTwoFactorMethod = (typeof twoFactorMethods)[number];

export const chatProviders = ['slack', 'teams'] as const;
export type TChatProvider = (typeof chatProviders)[number];

/** Human ticket keys such as `IT-1042`: an upper-case prefix, a dash and a number. */
export const ZTicketKey = z.string().regex(/^[A-Z][A-Z0-9]{0,9}-\d{1,9}$/, 'a ticket key such as IT-1042');

/** Ticket categories: the classifier, the wizard, the KB and the console use this one list. */
export const ticketCategories = [
  'access',
  'network',
  'hardware',
  'software',
  'email',
  'security',
  'onboarding',
  'other',
] as const;
export const ZTicketCategory = z.enum(ticketCategories);
export type TTicketCategory = z.infer<typeof ZTicketCategory>;
