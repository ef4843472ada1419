import {
  ZCreateSsoProviderRequest,
  ZSsoLoginOptions,
  ZSsoPolicy,
  ZSsoPolicyRequest,
  ZSsoProvider,
  ZSsoProviderInput,
  ZSsoProviderParams,
  ZSsoSettings,
  ZSsoTestResult,
  ZUpdateEnvSsoProviderRequest,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const ssoEndpoints = {
  loginOptions: endpoint({
    method: 'GET',
    path: '/auth/oidc/providers',
    summary: 'The single sign-on providers the sign-in page offers ("Sign in with …")',
    response: ZSsoLoginOptions,
  }),
  settings: endpoint({
    method: 'GET',
    path: '/admin/sso',
    summary: 'Single sign-on: providers, the redirect URI to register, the sign-in policy and break-glass admins',
    response: ZSsoSettings,
  }),
  setPolicy: endpoint({
    method: 'PUT',
    path: '/admin/sso/policy',
    summary:
      'Require single sign-on per role, trust (or not) the provider’s MFA, choose break-glass admins (refused when no admin could sign in with a password and 2FA)',
    body: ZSsoPolicyRequest,
    response: ZSsoPolicy,
  }),
  create: endpoint({
    method: 'POST',
    path: '/admin/sso/providers',
    summary: 'Add a single sign-on provider (generic OIDC, or the Entra ID, Google or Slack preset)',
    body: ZCreateSsoProviderRequest,
    response: ZSsoProvider,
    status: 201,
  }),
  updateEnv: endpoint({
    method: 'PUT',
    path: '/admin/sso/env-provider',
    summary:
      'Options of the provider from OIDC_* (claim mapping, tenants, domains, MFA); its connection stays the environment’s',
    body: ZUpdateEnvSsoProviderRequest,
    response: ZSsoProvider,
  }),
  update: endpoint({
    method: 'PUT',
    path: '/admin/sso/providers/:id',
    summary: 'Change a provider added on the console (an absent clientSecret keeps the stored one)',
    params: ZSsoProviderParams,
    body: ZSsoProviderInput,
    response: ZSsoProvider,
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/admin/sso/providers/:id',
    summary: 'Remove a provider added on the console',
    params: ZSsoProviderParams,
  }),
  test: endpoint({
    method: 'POST',
    path: '/admin/sso/providers/:id/test',
    summary: 'Test a provider: discovery, its signing keys, and a dry-run of the authorization request',
    params: ZSsoProviderParams,
    response: ZSsoTestResult,
  }),
};
