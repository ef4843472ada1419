import type { z } from 'zod';
import {
  ApiClient,
  browserEndpoints,
  endpointUrl,
  KbClient,
  queryString,
  ZAuditEvent,
  type TAuditQueryInput,
  type TBulkTicketAction,
  type TCreateSsoProviderRequest,
  type TPutSlaCalendarsRequest,
  type TPutSlaPoliciesRequest,
  type TSecuritySettings,
  type TSetupRequest,
  type TSsoPolicy,
  type TSsoProviderInput,
  type TSsoProviderOptions,
  type TTicketCategory,
  type TTicketListQueryInput,
  type TTicketPriority,
  type TTicketStatus,
  type TUserRole,
  type wizard,
} from '@deskmate/shared';

/** The one client of the console: cookie session, same origin (the browser adds Origin). */
export const client = new ApiClient({ baseUrl: window.location.origin });

/** `/path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | undefined | null>): string {
  return `${path}${queryString(params)}`;
}

const api = client.api;
const byId = (id: string) => ({ params: { id } });
const byKey = (key: string) => ({ params: { key } });
const bySlug = (slug: string) => ({ params: { slug } });

export const authApi = {
  me: () => api.auth.me(),
  login: (email: string, password: string) => api.auth.login({ body: { email, password } }),
  verify2fa: (code: string) => api.auth.verify2fa({ body: { code } }),
  resend2fa: () => api.auth.resend2fa(),
  logout: () => api.auth.logout(),
  logoutAll: () => api.auth.logoutAll(),
  /** My active sessions, this device marked `current`. */
  sessions: () => api.auth.sessions(),
  /** Sign out one of my sessions. */
  endSession: (id: string) => api.auth.endSession(byId(id)),
  updateMe: (body: { name?: string; away?: boolean }) => api.auth.updateMe({ body }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.auth.changePassword({ body: { currentPassword, newPassword } }),
  forgotPassword: (email: string) => api.auth.forgotPassword({ body: { email } }),
  resetPassword: (token: string, password: string) => api.auth.resetPassword({ body: { token, password } }),
  acceptInvite: (token: string, password: string, name?: string) =>
    api.auth.acceptInvite({ body: { token, password, ...(name ? { name } : {}) } }),
  totpSetup: () => api.auth.totpSetup(),
  totpConfirm: (code: string) => api.auth.totpConfirm({ body: { code } }),
  emailEnable: () => api.auth.emailEnable(),
  emailSend: () => api.auth.emailSend(),
  disable2fa: (code: string) => api.auth.disable2fa({ body: { code } }),
  /** Whether the install still needs its first administrator. */
  setupStatus: () => api.setup.status(),
  /** Create the first administrator with the setup code from the log (signs them in). */
  setup: (body: TSetupRequest) => api.setup.complete({ body }),
};

export interface TTicketPatch {
  status?: TTicketStatus;
  priority?: TTicketPriority;
  category?: TTicketCategory | null;
  assigneeId?: string | null;
  groupId?: string | null;
  title?: string;
}

const tickets = api.tickets;

export const ticketApi = {
  // The console's filters come from the address bar as plain strings: the server validates them.
  list: (params: Record<string, string>) => tickets.list({ query: params as TTicketListQueryInput }),
  /** How many tickets each console queue holds for the signed-in agent. */
  counts: () => tickets.counts(),
  /** One ticket, with the files of the ticket itself. */
  get: (key: string) => tickets.get(byKey(key)),
  /** Open a ticket (agents may file for someone else); `attachmentIds`: your uploads. */
  create: (body: { title: string; description: string; requesterId?: string; attachmentIds?: string[] }) =>
    tickets.create({ body }),
  /** Every file of the ticket you may see. */
  attachments: (key: string) => api.attachments.listOfTicket(byKey(key)),
  timeline: (key: string) => tickets.timeline(byKey(key)),
  /** The ticket's audit rows, newest first (for the agents who work it). */
  audit: (key: string, cursor?: string) => api.audit.ofTicket({ ...byKey(key), query: cursor ? { cursor } : {} }),
  update: (key: string, patch: TTicketPatch) => tickets.update({ ...byKey(key), body: patch }),
  claim: (key: string) => tickets.claim(byKey(key)),
  reply: (key: string, body: string, attachmentIds: string[] = []) =>
    tickets.reply({ ...byKey(key), body: { body, ...(attachmentIds.length ? { attachmentIds } : {}) } }),
  note: (key: string, body: string, attachmentIds: string[] = []) =>
    tickets.note({ ...byKey(key), body: { body, ...(attachmentIds.length ? { attachmentIds } : {}) } }),
  merge: (key: string, intoKey: string) => tickets.merge({ ...byKey(key), body: { intoKey } }),
  reopen: (key: string) => tickets.reopen(byKey(key)),
  watch: (key: string, userId?: string) => tickets.watch({ ...byKey(key), body: userId ? { userId } : {} }),
  unwatch: (key: string, userId: string) => tickets.unwatch({ params: { key, userId } }),
  csat: (key: string, rating: number, comment?: string) =>
    tickets.csat({ ...byKey(key), body: { rating, ...(comment ? { comment } : {}) } }),
  /** A mail from an unverified sender (an internal note): accept it as their public reply, or discard it. */
  decideUnverifiedEmail: (key: string, eventId: string, decision: 'accept' | 'discard') =>
    api.email[decision === 'accept' ? 'acceptUnverified' : 'discardUnverified']({ params: { key, eventId } }),
  /** One change (or a claim) on up to 100 tickets: one result per key, in order. */
  bulk: (ticketKeys: string[], action: TBulkTicketAction) => tickets.bulk({ body: { keys: ticketKeys, action } }),
};

export const attachmentApi = {
  /** Upload one file; a reply, note or new ticket then attaches it by id. */
  upload: (file: Blob, filename: string) => api.attachments.upload({ file: { data: file, filename } }),
  /** Take back an upload not attached yet. */
  discard: (id: string) => api.attachments.discard(byId(id)),
  /** Where a file of a ticket downloads (as a file, after the same access check as its event). */
  fileUrl: (key: string, id: string) => endpointUrl(browserEndpoints.attachmentFile, { params: { key, id } }),
  /** The small inline preview of an image file. */
  thumbnailUrl: (key: string, id: string) => endpointUrl(browserEndpoints.attachmentThumbnail, { params: { key, id } }),
};

export const notificationApi = {
  list: (cursor?: string) => api.notifications.list({ query: cursor ? { cursor } : {} }),
  unreadCount: () => api.notifications.unreadCount(),
  readAll: () => api.notifications.readAll(),
  read: (id: string) => api.notifications.read(byId(id)),
};

export const userApi = {
  list: (params: { role?: TUserRole; active?: 'true' | 'false'; q?: string } = {}) => api.users.list({ query: params }),
  invite: (body: { email: string; name: string; role: TUserRole }) => api.users.invite({ body }),
  update: (id: string, body: { name?: string; away?: boolean; twoFactorRequired?: boolean }) =>
    api.users.update({ ...byId(id), body }),
  setRole: (id: string, role: TUserRole) => api.users.setRole({ ...byId(id), body: { role } }),
  deactivate: (id: string) => api.users.deactivate(byId(id)),
  reactivate: (id: string) => api.users.reactivate(byId(id)),
  /** The address works again: clear its bouncing mark, mail to it resumes. */
  clearEmailBounce: (id: string) => api.users.clearEmailBounce(byId(id)),
  security: () => api.users.security(),
  setSecurity: (body: TSecuritySettings) => api.users.setSecurity({ body }),
  mail: () => api.users.mail(),
};

export const ssoApi = {
  /** The providers the sign-in page offers (public). */
  loginOptions: () => api.sso.loginOptions(),
  settings: () => api.sso.settings(),
  setPolicy: (body: TSsoPolicy) => api.sso.setPolicy({ body }),
  create: (body: TCreateSsoProviderRequest) => api.sso.create({ body }),
  update: (id: string, body: TSsoProviderInput) => api.sso.update({ ...byId(id), body }),
  updateEnv: (body: { enabled: boolean; options: TSsoProviderOptions }) => api.sso.updateEnv({ body }),
  remove: (id: string) => api.sso.remove(byId(id)),
  test: (id: string) => api.sso.test(byId(id)),
};

export const directoryApi = {
  /** Active agents and admins: who tickets can be assigned to. */
  agents: () => api.users.directoryAgents(),
};

export const groupApi = {
  list: () => api.groups.list(),
  create: (body: { name: string; description?: string | null; roundRobin?: boolean; memberIds?: string[] }) =>
    api.groups.create({ body }),
  update: (id: string, body: { name?: string; description?: string | null; roundRobin?: boolean }) =>
    api.groups.update({ ...byId(id), body }),
  setMembers: (id: string, memberIds: string[]) => api.groups.setMembers({ ...byId(id), body: { memberIds } }),
  remove: (id: string) => api.groups.remove(byId(id)),
};

export const cannedApi = {
  list: () => api.canned.list(),
  create: (body: { title: string; body: string; shared: boolean }) => api.canned.create({ body }),
  update: (id: string, body: { title: string; body: string; shared: boolean }) =>
    api.canned.update({ ...byId(id), body }),
  remove: (id: string) => api.canned.remove(byId(id)),
  render: (id: string, ticketKey: string) => api.canned.render({ ...byId(id), query: { ticket: ticketKey } }),
};

export const announcementApi = {
  active: () => api.announcements.active(),
  list: () => api.announcements.list(),
  create: (body: {
    title: string;
    body: string;
    audience: 'everyone' | 'agents';
    startsAt: string;
    endsAt: string | null;
  }) => api.announcements.create({ body }),
  remove: (id: string) => api.announcements.remove(byId(id)),
};

export interface TKbArticleInput {
  title: string;
  category: TTicketCategory;
  tags: string[];
  synonyms: string[];
  body: string;
}

/** The knowledge base as requesters read it (the help centre): the same typed calls as Slack and Teams. */
export const helpCentre = new KbClient(client);

/** Writing articles (admins); reading goes through `helpCentre`. */
export const kbApi = {
  list: () => api.kb.articles({ query: {} }),
  create: (body: TKbArticleInput & { slug: string; published: boolean }) => api.kb.create({ body }),
  update: (slug: string, body: Partial<TKbArticleInput>) => api.kb.update({ ...bySlug(slug), body }),
  publish: (slug: string, published: boolean) =>
    published ? api.kb.publish(bySlug(slug)) : api.kb.unpublish(bySlug(slug)),
};

export const auditApi = {
  list: (params: Record<string, string | undefined>) => api.audit.list({ query: params as TAuditQueryInput }),
};
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

export const integrationApi = {
  tokens: () => api.integrations.tokens(),
  createToken: (name: string, scopes: ('chat:act' | 'api:read' | 'api:write')[]) =>
    api.integrations.createToken({ body: { name, scopes } }),
  revokeToken: (id: string) => api.integrations.revokeToken(byId(id)),
  status: () => api.integrations.status(),
};

export const slaApi = {
  policies: () => api.sla.policies(),
  putPolicies: (body: TPutSlaPoliciesRequest) => api.sla.putPolicies({ body }),
  calendars: () => api.sla.calendars(),
  putCalendars: (body: TPutSlaCalendarsRequest) => api.sla.putCalendars({ body }),
  explain: (key: string) => api.sla.explain(byKey(key)),
  report: (from: string, to: string, groupId?: string) =>
    api.sla.report({ query: { from, to, ...(groupId ? { groupId } : {}) } }),
};

export const reportApi = {
  deflection: (from: string, to: string) => api.kb.deflectionReport({ query: { from, to } }),
  classifier: (from: string, to: string) => api.classifier.report({ query: { from, to } }),
  tickets: (from: string, to: string, groupId?: string) =>
    api.reports.tickets({ query: { from, to, ...(groupId ? { groupId } : {}) } }),
};

export const classifierApi = {
  retrain: () => api.classifier.retrain(),
};

export const kbImportApi = {
  /** A zip of Markdown and HTML files (the console zips loose files before sending). */
  importZip: (zip: Uint8Array<ArrayBuffer>, options: { publish: boolean; category?: TTicketCategory | undefined }) =>
    api.kbImport.importZip({
      query: {
        publish: options.publish ? 'true' : 'false',
        ...(options.category ? { category: options.category } : {}),
      },
      bytes: { data: zip, contentType: 'application/zip' },
    }),
};

export const chatApi = {
  /** Start or resume the portal's wizard; with `text`, afresh from it (`offerArticles: false` after the help centre). */
  start: (prefill: { text?: string; offerArticles?: boolean } = {}) =>
    api.chat.start({
      body: {
        channel: 'web',
        ...(prefill.text ? { text: prefill.text } : {}),
        ...(prefill.text && prefill.offerArticles === false ? { offerArticles: false } : {}),
      },
    }),
  /** `attachmentIds`: uploads for the ticket this answer files (the summary's Confirm). */
  input: (id: string, input: wizard.TWizardInput, version?: number, attachmentIds: string[] = []) =>
    api.chat.input({
      ...byId(id),
      body: {
        input,
        ...(version !== undefined ? { version } : {}),
        ...(attachmentIds.length ? { attachmentIds } : {}),
      },
    }),
};

export { ZAuditEvent };

export const viewApi = {
  list: () => api.views.list(),
  save: (body: { name: string; queue: string; search: string }) => api.views.save({ body }),
  remove: (id: string) => api.views.remove(byId(id)),
};
