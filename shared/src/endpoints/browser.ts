import { ZAttachmentParams, ZSsoCallbackQuery, ZSsoLoginQuery } from '../api/index.js';
import { endpoint, fillPath, queryString, type Endpoint, type EndpointInput } from '../api/endpoint.js';

/**
 * The endpoints a browser opens rather than a client calls: files, the live-update stream, the
 * single sign-on redirects. They answer bytes, a stream or a redirect,
 * not JSON, so the typed client has no method for them; `endpointUrl` writes their addresses.
 */
export const browserEndpoints = {
  attachmentFile: endpoint({
    method: 'GET',
    path: '/tickets/:key/attachments/:id',
    summary: 'Download one file (always as a download, never shown inline)',
    params: ZAttachmentParams,
  }),
  attachmentThumbnail: endpoint({
    method: 'GET',
    path: '/tickets/:key/attachments/:id/thumbnail',
    summary:
      'A small preview of an image file (png, jpeg, gif, webp), shown inline; 404 for other files and for those you may not see',
    params: ZAttachmentParams,
  }),
  events: endpoint({
    method: 'GET',
    path: '/events',
    summary: 'Server-Sent Events: ticket and notification changes you may see',
  }),
  oidcLogin: endpoint({
    method: 'GET',
    path: '/auth/oidc/login',
    summary:
      'Start single sign-on: redirects to the provider (authorization code flow with PKCE, state and nonce). `provider` is needed when several are configured; `next` is where to land afterwards',
    query: ZSsoLoginQuery,
  }),
  oidcCallback: endpoint({
    method: 'GET',
    path: '/auth/oidc/callback',
    summary:
      'Where the provider sends the browser back (the redirect URI: PUBLIC_URL/api/auth/oidc/callback). Signs in and redirects to the console, or to /login?sso_error=<reason>; JSON clients get the error',
    query: ZSsoCallbackQuery,
  }),
};

/** The address of an endpoint on this site (`/api/tickets/IT-1/attachments/…`), path and query filled. */
export function endpointUrl<E extends Endpoint>(endpoint: E, input?: EndpointInput<E>): string {
  const { params, query } = (input ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown> };
  return `/api${fillPath(endpoint.path, params)}${queryString(query)}`;
}
