import type { EndpointGroup, EndpointMethods } from '../api/endpoint.js';
import { metaEndpoints } from './meta.js';
export { browserEndpoints, endpointUrl } from './browser.js';
import { ticketsEndpoints } from './tickets.js';
import { announcementsEndpoints } from './announcements.js';
import { attachmentsEndpoints } from './attachments.js';
import { auditEndpoints } from './audit.js';
import { authEndpoints } from './auth.js';
import { cannedEndpoints } from './canned.js';
import { chatEndpoints } from './chat.js';
import { classifierEndpoints } from './classifier.js';
import { emailEndpoints } from './email.js';
import { groupsEndpoints } from './groups.js';
import { integrationsEndpoints } from './integrations.js';
import { kbEndpoints } from './kb.js';
import { kbImportEndpoints } from './kb-import.js';
import { notificationsEndpoints } from './notifications.js';
import { reportsEndpoints } from './reports.js';
import { setupEndpoints } from './setup.js';
import { slaEndpoints } from './sla.js';
import { usersEndpoints } from './users.js';
import { viewsEndpoints } from './views.js';
import { ssoEndpoints } from './sso.js';

/**
 * Every API endpoint, by resource: method, path, request and response schemas, declared once.
 * The server binds one handler to each (a test checks none is left unbound), the client's `api`
 * has one method per entry, and the OpenAPI document is generated from the same entries.
 */
export const endpoints = {
  meta: metaEndpoints,
  tickets: ticketsEndpoints,
  announcements: announcementsEndpoints,
  attachments: attachmentsEndpoints,
  audit: auditEndpoints,
  auth: authEndpoints,
  canned: cannedEndpoints,
  chat: chatEndpoints,
  classifier: classifierEndpoints,
  email: emailEndpoints,
  groups: groupsEndpoints,
  integrations: integrationsEndpoints,
  kb: kbEndpoints,
  kbImport: kbImportEndpoints,
  notifications: notificationsEndpoints,
  reports: reportsEndpoints,
  setup: setupEndpoints,
  sla: slaEndpoints,
  users: usersEndpoints,
  views: viewsEndpoints,
  sso: ssoEndpoints,
} satisfies Record<string, EndpointGroup>;

export type Endpoints = typeof endpoints;

/** The typed client: `api.tickets.claim({ params: { key } })`, one method per endpoint. */
export type TypedApi = { [R in keyof Endpoints]: EndpointMethods<Endpoints[R]> };
