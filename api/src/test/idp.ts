import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * A real OpenID provider for tests (the `oidc-provider` package, certified by the OpenID
 * Foundation), on loopback over http (Deskmate accepts http issuers only on this machine).
 * Its sign-in and consent pages are plain HTML forms a test posts like a browser: the login form
 * takes an account id and a password (any), and an "I used a second factor" box that puts
 * `amr: ["pwd","mfa"]` in the ID token.
 */
export interface TestIdp {
  issuer: string;
  /** Register Deskmate as a client (its redirect URI is known once Deskmate listens). */
  addClient(client: { clientId: string; clientSecret: string; redirectUri: string }): void;
  /** Test accounts, by subject: their claims (email, email_verified, roles, groups, oid, tid …). */
  accounts: Map<string, Record<string, unknown>>;
  stop(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  return new URLSearchParams(raw);
}

export async function startTestIdp(): Promise<TestIdp> {
  const accounts = new Map<string, Record<string, unknown>>();
  const clients: Exclude<NonNullable<Configuration['clients']>[number], undefined>[] = [];
  let provider: Provider | undefined;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server: Server = createServer((req, res) => {
    void route(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String((err as Error).message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Its own signing key (RS256), so the provider does not fall back to its development keys.
  const signingKey = {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    kid: 'test-idp-key-1',
    use: 'sig',
    alg: 'RS256',
  };
  const build = () => {
    provider = new Provider(issuer, {
      clients,
      jwks: { keys: [signingKey] },
      // Scope claims go into the ID token (Deskmate reads the ID token only).
      conformIdTokenClaims: false,
      claims: {
        amr: null,
        acr: null,
        auth_time: null,
        sid: null,
        // amr (how the person signed in) with every ID token, like providers that report MFA.
        openid: ['sub', 'amr', 'roles', 'groups', 'oid', 'tid', 'hd', 'xms_edov'],
        email: ['email', 'email_verified'],
        profile: ['name', 'given_name', 'family_name'],
      },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      cookies: { keys: ['deskmate-test-idp-cookie-key'] },
      findAccount: (_ctx, sub) => {
        const claims = accounts.get(sub);
        if (!claims) return undefined;
        return { accountId: sub, claims: () => ({ sub, ...claims }) };
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      renderError: (ctx, out) => {
        ctx.type = 'html';
        ctx.body = page('Error', `<pre>${escape(JSON.stringify(out))}</pre>`);
      },
    });
    handler = provider.callback();
  };
  build();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url === '/favicon.ico') {
      res.statusCode = 204;
      res.end();
      return;
    }
    const match = /^\/interaction\/([\w-]+)(\/(login|confirm))?$/.exec(req.url ?? '');
    if (!match || !provider) return handler!(req, res);
    const details = await provider.interactionDetails(req, res);
    const uid = match[1]!;
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (details.prompt.name === 'login') {
        res.end(
          page(
            'Test IdP sign-in',
            `<form method="post" action="/interaction/${uid}/login">
  <label>Account <input name="login" required></label>
  <label>Password <input name="password" type="password" required></label>
  <label><input name="mfa" type="checkbox" value="yes"> I used a second factor</label>
  <button type="submit">Sign in to Test IdP</button>
</form>`,
          ),
        );
      } else {
        res.end(
          page(
            'Allow access',
            `<form method="post" action="/interaction/${uid}/confirm"><p>Deskmate asks for: ${escape(
              String(details.params.scope ?? ''),
            )}</p><button type="submit">Allow</button></form>`,
          ),
        );
      }
      return;
    }
    const form = await formBody(req);
    if (match[3] === 'login') {
      const accountId = form.get('login') ?? '';
      if (!accounts.has(accountId)) {
        res.statusCode = 403;
        res.end(page('Unknown account', '<p>No such test account.</p>'));
        return;
      }
      const amr = form.get('mfa') === 'yes' ? ['pwd', 'mfa'] : ['pwd'];
      await provider.interactionFinished(req, res, { login: { accountId, amr } }, { mergeWithLastSubmission: false });
      return;
    }
    const { prompt, params, session } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant!.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: details.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  return {
    issuer,
    accounts,
    addClient({ clientId, clientSecret, redirectUri }) {
      clients.push({
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      });
      // Clients are read when the provider is built: build it again with the new one.
      build();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
