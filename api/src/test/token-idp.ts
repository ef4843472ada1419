import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import nock from 'nock';

/**
 * A tiny OpenID provider whose ID tokens a test writes itself (signed with jose by keys it
 * publishes at its JWKS endpoint), to show that Deskmate, through openid-client, refuses tokens a
 * real provider would never send: another audience, expired, an unknown key id, the wrong nonce or
 * issuer. It answers discovery, JWKS and the token endpoint; the authorization endpoint is never
 * visited (a test takes state and nonce from the redirect and calls the callback itself).
 *
 * `serve` is `loopback` (an http server on 127.0.0.1) or an https origin answered by nock
 * (login.microsoftonline.com, slack.com), for the presets whose issuers are fixed.
 */
export interface TokenIdp {
  issuer: string;
  /** Discovery's `issuer` (Entra multi-tenant: the `{tenantid}` template). */
  discoveryIssuer: string;
  /** The next ID token's claims and header; `key`: which key signs it (default the current one). */
  nextToken: { claims: Record<string, unknown>; kid?: string; key?: CryptoKey } | null;
  /** Keys: the ones published at the JWKS endpoint, and a key that is not published. */
  publish(kids: string[]): Promise<void>;
  keyOf(kid: string): Promise<CryptoKey>;
  tokenRequests: URLSearchParams[];
  stop(): Promise<void>;
}

export async function startTokenIdp(
  options: { origin?: string; issuerPath?: string; discoveryIssuer?: string } = {},
): Promise<TokenIdp> {
  const keys = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
  let published: string[] = [];
  const keyOf = async (kid: string) => {
    let entry = keys.get(kid);
    if (!entry) {
      const pair = await generateKeyPair('RS256', { extractable: true });
      entry = {
        privateKey: pair.privateKey,
        jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' },
      };
      keys.set(kid, entry);
    }
    return entry.privateKey;
  };

  let server: Server | undefined;
  let origin = options.origin;
  const path = options.issuerPath ?? '';
  if (!origin) {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        void answer(req.method ?? 'GET', req.url ?? '/', body).then(([status, json]) => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        });
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const issuer = `${origin}${path}`;
  const discoveryIssuer = options.discoveryIssuer ?? issuer;

  const idp: TokenIdp = {
    issuer,
    discoveryIssuer,
    nextToken: null,
    tokenRequests: [],
    async publish(kids) {
      for (const kid of kids) await keyOf(kid);
      published = kids;
    },
    keyOf,
    async stop() {
      // nock's interceptors go with the test file's nock.cleanAll().
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };

  async function answer(method: string, url: string, body: string): Promise<[number, unknown]> {
    const pathname = url.split('?')[0]!;
    if (method === 'GET' && pathname === `${path}/.well-known/openid-configuration`) {
      return [
        200,
        {
          issuer: discoveryIssuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
        },
      ];
    }
    if (method === 'GET' && pathname === `${path}/jwks`) {
      return [200, { keys: published.map((kid) => keys.get(kid)!.jwk) }];
    }
    if (method === 'POST' && pathname === `${path}/token`) {
      idp.tokenRequests.push(new URLSearchParams(body));
      const next = idp.nextToken;
      if (!next) return [400, { error: 'invalid_grant' }];
      idp.nextToken = null;
      const kid = next.kid ?? published[0]!;
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({ iat: now, exp: now + 600, ...next.claims })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .sign(next.key ?? (await keyOf(kid)));
      return [200, { access_token: 'at-not-used', token_type: 'Bearer', expires_in: 600, id_token: idToken }];
    }
    return [404, { error: 'not_found' }];
  }

  if (!server) {
    // nock answers the fixed https issuers of the presets (no request leaves the machine).
    const scope = nock(origin).persist();
    scope.get(/.*/).reply(async (uri) => answer('GET', uri, ''));
    scope
      .post(/.*/)
      .reply(async (uri, body) =>
        answer(
          'POST',
          uri,
          typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString(),
        ),
      );
  }
  return idp;
}
