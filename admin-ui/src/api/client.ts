import { z } from 'zod';
import {
  ApiClient,
  KbClient,
  ZAnnouncement,
  ZApiToken,
  ZAuditEvent,
  ZCannedResponse,
  ZCreatedApiToken,
  ZDirectoryAgentList,
  ZGroup,
  ZIntegrationsStatus,
  ZKbArticle,
  ZKbArticleList,
  ZMailMessage,
  ZNotification,
  ZUser,
  ZAuditList,
  ZChatSessionResponse,
  ZDeflectionReport,
  ZClassifierReport,
  ZClassifierRetrainResponse,
  ZKbImportResult,
  ZLoginResponse,
  ZMeResponse,
  ZSetupStatus,
  type TSetupRequest,
  ZNotificationList,
  ZRecoveryCodesResponse,
  ZSecuritySettings,
  ZSlaCalendarList,
  ZSlaPolicyList,
  ZSlaReport,
  ZUploadResponse,
  ZAttachmentList,
  ZTicketReport,
  ZTicketAuditList,
  ZTicketSlaExplanation,
  ZTotpSetupResponse,
  ZUnverifiedEmailDecision,
  ZUserList,
  ZUserSessionList,
  type TBulkTicketAction,
  type TPutSlaCalendarsRequest,
  type TPutSlaPoliciesRequest,
  type TSecuritySettings,
  type TTicketCategory,
  type TTicketPriority,
  type TTicketStatus,
  type TUserRole,
  type wizard,
  type TTicketListQueryInput,
  ZSavedViewList,
  ZSavedViewResponse,
  ZSsoLoginOptions,
  ZSsoPolicy,
  ZSsoProvider,
  ZSsoSettings,
  ZSsoTestResult,
  type TCreateSsoProviderRequest,
  type TSsoPolicy,
  type TSsoProviderInput,
  type TSsoProviderOptions,
} from '@deskmate/shared';

/** The one client of the console: cookie session, same origin (the browser adds Origin). */
export const client = new ApiClient({ baseUrl: window.location.origin });

const ZEmpty = z.unknown();
const ZCount = z.object({ count: z.number() });

/** `/path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, v);
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

const get = <S extends z.ZodType>(path: string, schema: S) => client.request('GET', path, schema);
const send = <S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown) =>
  client.request(method, path, schema, body);
const enc = encodeURIComponent;

export const authApi = {
  me: () => get('/api/auth/me', ZMeResponse),
  login: (email: string, password: string) => send('POST', '/api/auth/login', ZLoginResponse, { email, password }),
  verify2fa: (code: string) => send('POST', '/api/auth/2fa/verify', ZMeResponse, { code }),
  resend2fa: () => send('POST', '/api/auth/2fa/resend', ZEmpty),
  logout: () => send('POST', '/api/auth/logout', ZEmpty),
  logoutAll: () => send('POST', '/api/auth/logout-all', ZEmpty),
  /** My active sessions, this device marked `current`. */
  sessions: () => get('/api/auth/sessions', ZUserSessionList),
  /** Sign out one of my sessions. */
  endSession: (id: string) => send('DELETE', `/api/auth/sessions/${enc(id)}`, ZEmpty),
  updateMe: (body: { name?: string; away?: boolean }) => send('PATCH', '/api/auth/me', ZMeResponse, body),
  changePassword: (currentPassword: string, newPassword: string) =>
    send('POST', '/api/auth/password', ZMeResponse, { currentPassword, newPassword }),
  forgotPassword: (email: string) => send('POST', '/api/auth/password/forgot', ZEmpty, { email }),
  resetPassword: (token: string, password: string) =>
    send('POST', '/api/auth/password/reset', ZEmpty, { token, password }),
  acceptInvite: (token: string, password: string, name?: string) =>
    send('POST', '/api/auth/invite/accept', ZLoginResponse, { token, password, ...(name ? { name } : {}) }),
  totpSetup: () => send('POST', '/api/auth/2fa/totp/setup', ZTotpSetupResponse),
  totpConfirm: (code: string) => send('POST', '/api/auth/2fa/totp/confirm', ZRecoveryCodesResponse, { code }),
  emailEnable: () => send('POST', '/api/auth/2fa/email/enable', ZRecoveryCodesResponse),
  emailSend: () => send('POST', '/api/auth/2fa/email/send', ZEmpty),
  disable2fa: (code: string) => send('POST', '/api/auth/2fa/disable', ZMeResponse, { code }),
  /** Whether the install still needs its first administrator. */
  setupStatus: () => get('/api/setup', ZSetupStatus),
  /** Create the first administrator with the setup code from the log (signs them in). */
  setup: (body: TSetupRequest) => send('POST', '/api/setup', ZMeResponse, body),
};

export interface TTicketPatch {
  status?: TTicketStatus;
  priority?: TTicketPriority;
  category?: TTicketCategory | null;
  assigneeId?: string | null;
  groupId?: string | null;
  title?: string;
}

const tickets = client.api.tickets;
const byKey = (key: string) => ({ params: { key } });

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
  attachments: (key: string) => get(`/api/tickets/${enc(key)}/attachments`, ZAttachmentList),
  timeline: (key: string) => tickets.timeline(byKey(key)),
  /** The ticket's audit rows, newest first (for the agents who work it). */
  audit: (key: string, cursor?: string) =>
    get(withQuery(`/api/tickets/${enc(key)}/audit`, { cursor }), ZTicketAuditList),
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
    send('POST', `/api/tickets/${enc(key)}/unverified-emails/${enc(eventId)}/${decision}`, ZUnverifiedEmailDecision),
  /** One change (or a claim) on up to 100 tickets: one result per key, in order. */
  bulk: (ticketKeys: string[], action: TBulkTicketAction) => tickets.bulk({ body: { keys: ticketKeys, action } }),
};

export const attachmentApi = {
  /** Upload one file; a reply, note or new ticket then attaches it by id. */
  upload: (file: Blob, filename: string) => client.uploadFile('/api/attachments', file, filename, ZUploadResponse),
  /** Take back an upload not attached yet. */
  discard: (id: string) => send('DELETE', `/api/attachments/${enc(id)}`, ZEmpty),
  /** Where a file of a ticket downloads (as a file, after the same access check as its event). */
  fileUrl: (key: string, id: string) => `/api/tickets/${enc(key)}/attachments/${enc(id)}`,
  /** The small inline preview of an image file. */
  thumbnailUrl: (key: string, id: string) => `/api/tickets/${enc(key)}/attachments/${enc(id)}/thumbnail`,
};

export const notificationApi = {
  list: (cursor?: string) => get(withQuery('/api/notifications', { cursor }), ZNotificationList),
  unreadCount: () => get('/api/notifications/unread-count', ZCount),
  readAll: () => send('POST', '/api/notifications/read-all', ZEmpty),
  read: (id: string) => send('POST', `/api/notifications/${enc(id)}/read`, z.object({ notification: ZNotification })),
};

export const userApi = {
  list: (params: { role?: TUserRole; active?: 'true' | 'false'; q?: string } = {}) =>
    get(withQuery('/api/users', params), ZUserList),
  invite: (body: { email: string; name: string; role: TUserRole }) =>
    send('POST', '/api/users/invite', z.object({ user: ZUser }), body),
  update: (id: string, body: { name?: string; away?: boolean; twoFactorRequired?: boolean }) =>
    send('PATCH', `/api/users/${enc(id)}`, z.object({ user: ZUser }), body),
  setRole: (id: string, role: TUserRole) =>
    send('POST', `/api/users/${enc(id)}/role`, z.object({ user: ZUser }), { role }),
  deactivate: (id: string) => send('POST', `/api/users/${enc(id)}/deactivate`, z.object({ user: ZUser })),
  reactivate: (id: string) => send('POST', `/api/users/${enc(id)}/reactivate`, z.object({ user: ZUser })),
  /** The address works again: clear its bouncing mark, mail to it resumes. */
  clearEmailBounce: (id: string) => send('DELETE', `/api/users/${enc(id)}/email-bounce`, z.object({ user: ZUser })),
  security: () => get('/api/admin/security', ZSecuritySettings),
  setSecurity: (body: TSecuritySettings) => send('PUT', '/api/admin/security', ZSecuritySettings, body),
  mail: () => get('/api/admin/mail', z.object({ items: z.array(ZMailMessage) })),
};

export const ssoApi = {
  /** The providers the sign-in page offers (public). */
  loginOptions: () => get('/api/auth/oidc/providers', ZSsoLoginOptions),
  settings: () => get('/api/admin/sso', ZSsoSettings),
  setPolicy: (body: TSsoPolicy) => send('PUT', '/api/admin/sso/policy', ZSsoPolicy, body),
  create: (body: TCreateSsoProviderRequest) => send('POST', '/api/admin/sso/providers', ZSsoProvider, body),
  update: (id: string, body: TSsoProviderInput) =>
    send('PUT', `/api/admin/sso/providers/${enc(id)}`, ZSsoProvider, body),
  updateEnv: (body: { enabled: boolean; options: TSsoProviderOptions }) =>
    send('PUT', '/api/admin/sso/env-provider', ZSsoProvider, body),
  remove: (id: string) => send('DELETE', `/api/admin/sso/providers/${enc(id)}`, ZEmpty),
  test: (id: string) => send('POST', `/api/admin/sso/providers/${enc(id)}/test`, ZSsoTestResult),
};

export const directoryApi = {
  /** Active agents and admins: who tickets can be assigned to. */
  agents: () => get('/api/directory/agents', ZDirectoryAgentList),
};

export const groupApi = {
  list: () => get('/api/groups', z.object({ items: z.array(ZGroup) })),
  create: (body: { name: string; description?: string | null; roundRobin?: boolean; memberIds?: string[] }) =>
    send('POST', '/api/groups', z.object({ group: ZGroup }), body),
  update: (id: string, body: { name?: string; description?: string | null; roundRobin?: boolean }) =>
    send('PATCH', `/api/groups/${enc(id)}`, z.object({ group: ZGroup }), body),
  setMembers: (id: string, memberIds: string[]) =>
    send('PUT', `/api/groups/${enc(id)}/members`, z.object({ group: ZGroup }), { memberIds }),
  remove: (id: string) => send('DELETE', `/api/groups/${enc(id)}`, ZEmpty),
};

export const cannedApi = {
  list: () => get('/api/canned-responses', z.object({ items: z.array(ZCannedResponse) })),
  create: (body: { title: string; body: string; shared: boolean }) =>
    send('POST', '/api/canned-responses', z.object({ cannedResponse: ZCannedResponse }), body),
  update: (id: string, body: { title: string; body: string; shared: boolean }) =>
    send('PUT', `/api/canned-responses/${enc(id)}`, z.object({ cannedResponse: ZCannedResponse }), body),
  remove: (id: string) => send('DELETE', `/api/canned-responses/${enc(id)}`, ZEmpty),
  render: (id: string, ticketKey: string) =>
    get(withQuery(`/api/canned-responses/${enc(id)}/render`, { ticket: ticketKey }), z.object({ body: z.string() })),
};

export const announcementApi = {
  active: () => get('/api/announcements/active', z.object({ items: z.array(ZAnnouncement) })),
  list: () => get('/api/announcements', z.object({ items: z.array(ZAnnouncement) })),
  create: (body: {
    title: string;
    body: string;
    audience: 'everyone' | 'agents';
    startsAt: string;
    endsAt: string | null;
  }) => send('POST', '/api/announcements', z.object({ announcement: ZAnnouncement }), body),
  remove: (id: string) => send('DELETE', `/api/announcements/${enc(id)}`, ZEmpty),
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
  list: () => get('/api/kb/articles', ZKbArticleList),
  create: (body: TKbArticleInput & { slug: string; published: boolean }) =>
    send('POST', '/api/kb/articles', z.object({ article: ZKbArticle }), body),
  update: (slug: string, body: Partial<TKbArticleInput>) =>
    send('PUT', `/api/kb/articles/${enc(slug)}`, z.object({ article: ZKbArticle }), body),
  publish: (slug: string, published: boolean) =>
    send(
      'POST',
      `/api/kb/articles/${enc(slug)}/${published ? 'publish' : 'unpublish'}`,
      z.object({ article: ZKbArticle }),
    ),
};

export const auditApi = {
  list: (params: Record<string, string | undefined>) => get(withQuery('/api/audit', params), ZAuditList),
};
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

export const integrationApi = {
  tokens: () => get('/api/integrations/tokens', z.object({ items: z.array(ZApiToken) })),
  createToken: (name: string, scopes: ('chat:act' | 'api:read' | 'api:write')[]) =>
    send('POST', '/api/integrations/tokens', ZCreatedApiToken, { name, scopes }),
  revokeToken: (id: string) => send('DELETE', `/api/integrations/tokens/${enc(id)}`, ZEmpty),
  status: () => get('/api/integrations/status', ZIntegrationsStatus),
};

export const slaApi = {
  policies: () => get('/api/sla/policies', ZSlaPolicyList),
  putPolicies: (body: TPutSlaPoliciesRequest) => send('PUT', '/api/sla/policies', ZSlaPolicyList, body),
  calendars: () => get('/api/sla/calendars', ZSlaCalendarList),
  putCalendars: (body: TPutSlaCalendarsRequest) => send('PUT', '/api/sla/calendars', ZSlaCalendarList, body),
  explain: (key: string) => get(`/api/tickets/${enc(key)}/sla`, ZTicketSlaExplanation),
  report: (from: string, to: string, groupId?: string) =>
    get(withQuery('/api/reports/sla', { from, to, groupId }), ZSlaReport),
};

export const reportApi = {
  deflection: (from: string, to: string) => get(withQuery('/api/reports/deflection', { from, to }), ZDeflectionReport),
  classifier: (from: string, to: string) => get(withQuery('/api/reports/classifier', { from, to }), ZClassifierReport),
  tickets: (from: string, to: string, groupId?: string) =>
    get(withQuery('/api/reports/tickets', { from, to, groupId }), ZTicketReport),
};

export const classifierApi = {
  retrain: () => send('POST', '/api/admin/classifier/retrain', ZClassifierRetrainResponse),
};

export const kbImportApi = {
  /** A zip of Markdown and HTML files (the console zips loose files before sending). */
  importZip: (zip: Uint8Array<ArrayBuffer>, options: { publish: boolean; category?: TTicketCategory | undefined }) =>
    client.upload(
      'POST',
      withQuery('/api/kb/import', { publish: String(options.publish), category: options.category }),
      ZKbImportResult,
      zip,
      'application/zip',
    ),
};

export const chatApi = {
  /** Start or resume the portal's wizard; with `text`, afresh from it (`offerArticles: false` after the help centre). */
  start: (prefill: { text?: string; offerArticles?: boolean } = {}) =>
    send('POST', '/api/chat/sessions', ZChatSessionResponse, {
      channel: 'web',
      ...(prefill.text ? { text: prefill.text } : {}),
      ...(prefill.text && prefill.offerArticles === false ? { offerArticles: false } : {}),
    }),
  /** `attachmentIds`: uploads for the ticket this answer files (the summary's Confirm). */
  input: (id: string, input: wizard.TWizardInput, version?: number, attachmentIds: string[] = []) =>
    send('POST', `/api/chat/sessions/${enc(id)}/input`, ZChatSessionResponse, {
      input,
      ...(version !== undefined ? { version } : {}),
      ...(attachmentIds.length ? { attachmentIds } : {}),
    }),
};

export { ZAuditEvent };

export const viewApi = {
  list: () => get('/api/views', ZSavedViewList),
  save: (body: { name: string; queue: string; search: string }) => send('PUT', '/api/views', ZSavedViewResponse, body),
  remove: (id: string) => send('DELETE', `/api/views/${enc(id)}`, ZEmpty),
};
