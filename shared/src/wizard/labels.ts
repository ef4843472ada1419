import type { TTicketCategory, TTicketPriority } from '../domain.js';
import type { TImpact, TUrgency } from './schemas.js';

/** Human labels: what the user sees and what typed answers are matched against. */
export const categoryLabels: Readonly<Record<TTicketCategory, string>> = {
  access: 'Accounts & access',
  network: 'Network & Wi-Fi',
  hardware: 'Hardware & devices',
  software: 'Software & apps',
  email: 'Email & calendar',
  security: 'Security',
  onboarding: 'Joiners & leavers',
  other: 'Something else',
};

export const impactLabels: Readonly<Record<TImpact, string>> = {
  me: 'Just me',
  team: 'My team',
  many: 'Whole office or many people',
};

export const urgencyLabels: Readonly<Record<TUrgency, string>> = {
  can_wait: 'It can wait',
  slowed: "It's slowing me down",
  blocked: "I can't work",
};

export const priorityLabels: Readonly<Record<TTicketPriority, string>> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  urgent: 'Urgent',
};
