import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSchema,
  defaultHost,
  loadConfig,
  namedStatementsAllowed,
  plainHttpWarning,
} from './config.js';

describe('configuration', () => {
  it('starts with no configuration at all, using documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TICKET_KEY_PREFIX).toBe('IT');
    expect(defaultHost(config)).toBe('127.0.0.1');
  });

  it('listens on every interface by default when a DATABASE_URL is given (containers)', () => {
    expect(defaultHost(loadConfig({ DATABASE_URL: 'postgres://u:p@db/deskmate' }))).toBe('0.0.0.0');
    expect(defaultHost(loadConfig({ DATABASE_URL: 'postgres://u:p@db/deskmate', HOST: '10.0.0.5' }))).toBe('10.0.0.5');
  });

  it('locks a running job for a minute unless JOBS_LOCK_LIFETIME says otherwise', () => {
    expect(loadConfig({}).JOBS_LOCK_LIFETIME).toBe(60_000);
    expect(loadConfig({ JOBS_LOCK_LIFETIME: '2s' }).JOBS_LOCK_LIFETIME).toBe(2000);
  });

  it('pauses mail to a bouncing address for 7 days unless EMAIL_BOUNCE_PAUSE says otherwise', () => {
    expect(loadConfig({}).EMAIL_BOUNCE_PAUSE).toBe(7 * 86_400_000);
    expect(loadConfig({ EMAIL_BOUNCE_PAUSE: '2 days' }).EMAIL_BOUNCE_PAUSE).toBe(2 * 86_400_000);
    expect(() => loadConfig({ EMAIL_BOUNCE_PAUSE: 'forever' })).toThrow(/EMAIL_BOUNCE_PAUSE must be a duration/);
  });

  it('checks senders with DNS by default; header mode needs the trusted authserv-id', () => {
    expect(loadConfig({}).EMAIL_VERIFY_SENDER).toBe('dns');
    expect(() => loadConfig({ EMAIL_VERIFY_SENDER: 'maybe' })).toThrow(
      /EMAIL_VERIFY_SENDER must be one of dns, header, off/,
    );
    expect(() => loadConfig({ EMAIL_VERIFY_SENDER: 'header' })).toThrow(
      'Configuration error: EMAIL_TRUSTED_AUTHSERV_ID must be set when EMAIL_VERIFY_SENDER=header',
    );
    const header = loadConfig({ EMAIL_VERIFY_SENDER: 'header', EMAIL_TRUSTED_AUTHSERV_ID: 'MX.Desk.Example' });
    expect(header.EMAIL_TRUSTED_AUTHSERV_ID).toBe('mx.desk.example');
    expect(() => loadConfig({ EMAIL_TRUSTED_AUTHSERV_ID: 'mx desk; dmarc=pass' })).toThrow(
      /EMAIL_TRUSTED_AUTHSERV_ID must be an authserv-id/,
    );
  });

  it('validates single sign-on: https issuers (http only on this machine), a client id with the issuer', () => {
    const sso = loadConfig({
      OIDC_ISSUER: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
      OIDC_CLIENT_ID: 'abc',
      OIDC_ALLOWED_DOMAINS: 'Contoso.com, fabrikam.com',
    });
    expect(sso.OIDC_DISPLAY_NAME).toBe('Single sign-on');
    expect(sso.OIDC_ALLOWED_DOMAINS).toEqual(['contoso.com', 'fabrikam.com']);
    expect(loadConfig({ OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_CLIENT_ID: 'abc' }).OIDC_ISSUER).toBe(
      'http://127.0.0.1:9000',
    );
    expect(() => loadConfig({ OIDC_ISSUER: 'http://idp.example.com', OIDC_CLIENT_ID: 'abc' })).toThrow(
      /OIDC_ISSUER must be an https:\/\/ URL/,
    );
    expect(() => loadConfig({ OIDC_ISSUER: 'https://accounts.google.com' })).toThrow(
      'Configuration error: OIDC_CLIENT_ID must be set when OIDC_ISSUER is set',
    );
    expect(() => loadConfig({ OIDC_CLIENT_ID: 'abc' })).toThrow(
      'Configuration error: OIDC_CLIENT_ID needs OIDC_ISSUER',
    );
    expect(() =>
      loadConfig({ OIDC_ISSUER: 'https://slack.com', OIDC_CLIENT_ID: 'a', OIDC_ALLOWED_DOMAINS: 'not a domain' }),
    ).toThrow(/OIDC_ALLOWED_DOMAINS must be a comma-separated list of domains/);
    try {
      loadConfig({ OIDC_CLIENT_SECRET: 'hunter2-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('refuses PORT=abc with one line that names PORT', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('PORT');
    expect((error as Error).message).toBe(
      'Configuration error: PORT must be a whole number between 0 and 65535 (got "abc")',
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it.each([
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error/],
    ['DESKMATE_DEMO', 'maybe', /DESKMATE_DEMO must be one of/],
    ['TICKET_KEY_PREFIX', 'it-', /TICKET_KEY_PREFIX must be 1-10 upper-case/],
    ['PUBLIC_URL', 'desk.example.com', /PUBLIC_URL must be an absolute URL/],
    ['DATABASE_POOL_MAX', '0', /DATABASE_POOL_MAX must be between 1 and 200/],
    ['JOBS_LOCK_LIFETIME', '500ms', /JOBS_LOCK_LIFETIME must be at least 1000 ms/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('never echoes the value of a secret variable', () => {
    const secret = 'mysql://admin:hunter2@db/desk';
    expect(() => loadConfig({ DATABASE_URL: secret })).toThrow(/DATABASE_URL must be a postgres/);
    try {
      loadConfig({ DATABASE_URL: secret });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('warns once, in one line, when production is served over plain http or PUBLIC_URL is unset', () => {
    const http = plainHttpWarning(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'http://localhost:3000' }));
    expect(http).toContain('PUBLIC_URL is http://localhost:3000, not https');
    expect(http).toContain('Secure cookies are off');
    expect(http).not.toContain('\n');
    expect(plainHttpWarning(loadConfig({ NODE_ENV: 'production' }))).toContain('PUBLIC_URL is unset');
    expect(plainHttpWarning(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://desk.example.com' }))).toBeNull();
    expect(plainHttpWarning(loadConfig({ NODE_ENV: 'development' }))).toBeNull();
  });

  it('parses booleans the way people write them', () => {
    expect(loadConfig({ DESKMATE_DEMO: 'true' }).DESKMATE_DEMO).toBe(true);
    expect(loadConfig({ DESKMATE_DEMO: '0' }).DESKMATE_DEMO).toBe(false);
    expect(loadConfig({}).DESKMATE_DEMO).toBeUndefined();
  });

  it('uses named prepared statements unless a DATABASE_DIRECT_URL other than DATABASE_URL says a pooler is in between', () => {
    const url = 'postgres://u:p@db/deskmate';
    const pooler = 'postgres://u:p@pgbouncer:6432/deskmate';
    expect(namedStatementsAllowed(loadConfig({}))).toBe(true);
    expect(namedStatementsAllowed(loadConfig({ DATABASE_URL: url }))).toBe(true);
    expect(namedStatementsAllowed(loadConfig({ DATABASE_URL: url, DATABASE_DIRECT_URL: url }))).toBe(true);
    expect(namedStatementsAllowed(loadConfig({ DATABASE_URL: pooler, DATABASE_DIRECT_URL: url }))).toBe(false);
    // PgBouncer 1.21+ with max_prepared_statements keeps them: the operator says so.
    const tracked = { DATABASE_URL: pooler, DATABASE_DIRECT_URL: url, DATABASE_PREPARED_STATEMENTS: 'on' };
    expect(namedStatementsAllowed(loadConfig(tracked))).toBe(true);
    expect(namedStatementsAllowed(loadConfig({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: 'off' }))).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'yes' })).toThrow(
      'Configuration error: DATABASE_PREPARED_STATEMENTS must be one of auto, on, off (got "yes")',
    );
  });

  it('takes a direct URL and a read replica only with DATABASE_URL, and never echoes them', () => {
    expect(() => loadConfig({ DATABASE_DIRECT_URL: 'postgres://u:secret@db/deskmate' })).toThrow(
      'Configuration error: DATABASE_DIRECT_URL needs DATABASE_URL (the embedded database has no pooler or replica)',
    );
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u:secret@replica/deskmate' })).toThrow(
      /^Configuration error: DATABASE_READ_URL needs DATABASE_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/x', DATABASE_READ_URL: 'mysql://u:secret@r/x' })).toThrow(
      'Configuration error: DATABASE_READ_URL must be a postgres:// or postgresql:// URL',
    );
    const both = loadConfig({
      DATABASE_URL: 'postgres://u:p@pgbouncer:6432/deskmate',
      DATABASE_DIRECT_URL: 'postgres://u:p@db:5432/deskmate',
      DATABASE_READ_URL: 'postgres://u:p@replica:5432/deskmate',
    });
    expect(both.DATABASE_DIRECT_URL).toBe('postgres://u:p@db:5432/deskmate');
    expect(both.DATABASE_READ_URL).toBe('postgres://u:p@replica:5432/deskmate');
  });

  it('documents every variable', () => {
    for (const [name, spec] of Object.entries(configSchema)) {
      expect(spec.doc.length, name).toBeGreaterThan(10);
    }
  });
});
