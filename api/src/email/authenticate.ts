import type { ParsedMail } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { dmarc } from 'mailauth/lib/dmarc/index.js';
import { spf } from 'mailauth/lib/spf/index.js';
import { getAlignment } from 'mailauth/lib/tools.js';
// mailauth (~9 MB, 0.3 s to load) is imported only here, and inbound.ts imports this module on
// the first mail that needs a sender checked (ADR 0007).
import type { Config } from '../config.js';
import { headerTexts, senderOf } from './classify.js';
import type { DnsResolver } from './dns.js';

/** What the connection that delivered the mail said: known only when the webhook caller passes it. */
export interface Envelope {
  clientIp?: string | undefined;
  helo?: string | undefined;
  mailFrom?: string | undefined;
}

export interface SenderAuth {
  /** The From address is the sender's own, by the rule below. */
  verified: boolean;
  /** How: dmarc, dkim or spf (checked by Deskmate), or authserv:<method> (the trusted receiver's header). */
  method: string | null;
  /** The results, for the inbound record (no secrets: results and domains only). */
  results: Record<string, string>;
}

const CHECK_TIMEOUT_MS = 10_000;

const aligned = (fromDomain: string, domain: string | undefined | null) =>
  Boolean(domain) && getAlignment(fromDomain, [domain!.toLowerCase()]) !== false;

/** One resinfo of an Authentication-Results header: `dkim=pass header.d=example.com`. */
interface ResInfo {
  method: string;
  result: string;
  props: Record<string, string>;
}

/** RFC 8601 §2.2, without comments: the authserv-id and each method's result and properties. */
export function parseAuthResults(value: string): { authservId: string; results: ResInfo[] } {
  let text = value;
  for (let i = 0; i < 5 && /\([^()]*\)/.test(text); i++) text = text.replace(/\([^()]*\)/g, ' ');
  const [head = '', ...rest] = text.split(';');
  const authservId = head.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const results = rest
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part): ResInfo[] => {
      const m = /^([a-z0-9_-]+)(?:\/\d+)?\s*=\s*([a-z]+)(.*)$/i.exec(part);
      if (!m) return [];
      const props: Record<string, string> = {};
      for (const p of m[3]!.matchAll(/([a-z]+\.[a-z0-9_-]+)\s*=\s*("[^"]*"|[^\s;]+)/gi))
        props[p[1]!.toLowerCase()] = p[2]!.replace(/^"|"$/g, '');
      return [{ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase(), props }];
    });
  return { authservId, results };
}

/**
 * The one rule for "this mail is from its From address", whoever checked the signatures:
 *
 * - DMARC pass for the From domain (RFC 7489: an SPF or DKIM pass aligned with it) — authenticated;
 * - DMARC fail (or a temporary/permanent error) — not, whatever else passed;
 * - the domain publishes no DMARC record — authenticated by a DKIM pass whose signing domain, or an
 *   SPF pass whose MAIL FROM domain, has the From address's organizational domain (relaxed
 *   alignment, as DMARC would judge it); an unaligned pass (a mailing service's own domain) is not.
 */
function judge(
  fromDomain: string,
  r: { dmarc: string | null; dkimDomains: string[]; spfDomain: string | null },
): { verified: boolean; method: string | null } {
  if (r.dmarc === 'pass') return { verified: true, method: 'dmarc' };
  if (r.dmarc && r.dmarc !== 'none') return { verified: false, method: null };
  if (r.dkimDomains.some((d) => aligned(fromDomain, d))) return { verified: true, method: 'dkim' };
  if (aligned(fromDomain, r.spfDomain)) return { verified: true, method: 'spf' };
  return { verified: false, method: null };
}

/**
 * The topmost Authentication-Results header whose authserv-id is EMAIL_TRUSTED_AUTHSERV_ID (the
 * receiving server prepends its own above whatever the sender wrote; headers with any other id are
 * someone else's claims and are ignored), judged by the rule above.
 */
function fromTrustedHeader(mail: ParsedMail, authservId: string, fromDomain: string): SenderAuth | null {
  const header = headerTexts(mail, 'authentication-results')
    .map(parseAuthResults)
    .find((h) => h.authservId === authservId);
  if (!header) return null;
  const first = (method: string) => header.results.filter((r) => r.method === method);
  const dmarcResult = first('dmarc')[0];
  // A DMARC verdict about another domain than the From address says nothing about it.
  const dmarcFrom = dmarcResult?.props['header.from']?.toLowerCase();
  const dmarcValue = dmarcResult && (!dmarcFrom || dmarcFrom === fromDomain) ? dmarcResult.result : null;
  const dkimDomains = first('dkim')
    .filter((r) => r.result === 'pass')
    .map((r) => r.props['header.d'] ?? r.props['header.i']?.split('@').pop() ?? '')
    .filter(Boolean);
  const spfPass = first('spf').find((r) => r.result === 'pass');
  const spfDomain = spfPass
    ? (spfPass.props['smtp.mailfrom']?.split('@').pop() ?? spfPass.props['smtp.helo'] ?? null)
    : null;
  const verdict = judge(fromDomain, { dmarc: dmarcValue, dkimDomains, spfDomain });
  const results: Record<string, string> = {
    authserv: authservId,
    ...Object.fromEntries(header.results.slice(0, 8).map((r) => [`ar.${r.method}`, r.result])),
  };
  return {
    verified: verdict.verified,
    method: verdict.method ? `authserv:${verdict.method}` : null,
    results,
  };
}

/** DKIM, SPF (only with the client IP) and DMARC checked here with mailauth. */
async function checkWithDns(
  raw: Buffer,
  fromDomain: string,
  resolver: DnsResolver,
  envelope: Envelope,
  returnPath: string | null,
): Promise<SenderAuth> {
  const dkim = await dkimVerify(raw, { resolver });
  const headerFrom = dkim.headerFrom ?? [];
  if (headerFrom.length !== 1) return { verified: false, method: null, results: { from: 'not exactly one address' } };
  const passing = dkim.results.filter((r) => r.status.result === 'pass' && r.signingDomain);
  let spfResult: Awaited<ReturnType<typeof spf>> = false;
  if (envelope.clientIp) {
    spfResult = await spf({
      sender: envelope.mailFrom || returnPath || `postmaster@${envelope.helo ?? fromDomain}`,
      ip: envelope.clientIp,
      helo: envelope.helo ?? envelope.clientIp,
      mta: 'deskmate',
      resolver,
    });
  }
  const spfPass = spfResult && spfResult.status.result === 'pass' ? (spfResult.domain ?? null) : null;
  const dmarcResult = await dmarc({
    headerFrom: headerFrom[0]!,
    spfDomains: spfPass ? [spfPass] : [],
    dkimDomains: passing.map((r) => ({
      ...(r.id ? { id: r.id } : {}),
      domain: r.signingDomain!,
      aligned: r.status.aligned ?? false,
    })),
    resolver,
  });
  const verdict = judge(fromDomain, {
    dmarc: dmarcResult ? dmarcResult.status.result : null,
    dkimDomains: passing.map((r) => r.signingDomain!),
    spfDomain: spfPass,
  });
  return {
    ...verdict,
    results: {
      dkim: dkim.results.map((r) => `${r.status.result}${r.signingDomain ? ` ${r.signingDomain}` : ''}`).join(', '),
      spf: spfResult ? spfResult.status.result : 'not checked (client IP unknown)',
      dmarc: dmarcResult ? dmarcResult.status.result : 'none',
    },
  };
}

/**
 * Is the mail from its From address? EMAIL_VERIFY_SENDER says who may say so: `dns` — Deskmate's
 * own DKIM/DMARC check (SPF too when the webhook passes the client IP), or the trusted receiver's
 * Authentication-Results when EMAIL_TRUSTED_AUTHSERV_ID is set; `header` — that header only; `off`
 * — nobody (only the signed reply address then lets a mail act as a person). A failing verdict of
 * the trusted receiver stands; a lookup that fails or takes too long authenticates nothing.
 */
export async function authenticateSender(
  raw: Buffer,
  mail: ParsedMail,
  options: {
    config: Pick<Config, 'EMAIL_VERIFY_SENDER' | 'EMAIL_TRUSTED_AUTHSERV_ID'>;
    resolver: DnsResolver;
    envelope?: Envelope;
  },
): Promise<SenderAuth> {
  const { config } = options;
  const from = senderOf(mail);
  const fromDomain = from?.split('@')[1];
  if (config.EMAIL_VERIFY_SENDER === 'off' || !fromDomain || (mail.from?.value.length ?? 0) !== 1)
    return { verified: false, method: null, results: { mode: config.EMAIL_VERIFY_SENDER } };
  const trusted = config.EMAIL_TRUSTED_AUTHSERV_ID
    ? fromTrustedHeader(mail, config.EMAIL_TRUSTED_AUTHSERV_ID, fromDomain)
    : null;
  if (trusted && (trusted.verified || trusted.results['ar.dmarc'] === 'fail')) return trusted;
  if (config.EMAIL_VERIFY_SENDER === 'header')
    return trusted ?? { verified: false, method: null, results: { authserv: 'no trusted Authentication-Results' } };
  const returnPath = /<([^<>\s]+@[^<>\s]+)>/.exec(headerTexts(mail, 'return-path')[0] ?? '')?.[1] ?? null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const own = await Promise.race([
      checkWithDns(raw, fromDomain, options.resolver, options.envelope ?? {}, returnPath),
      new Promise<SenderAuth>((resolve) => {
        timer = setTimeout(
          () => resolve({ verified: false, method: null, results: { error: 'DNS checks took too long' } }),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return trusted ? { ...own, results: { ...trusted.results, ...own.results } } : own;
  } catch (err) {
    return { verified: false, method: null, results: { error: (err as Error).message.slice(0, 200) } };
  } finally {
    clearTimeout(timer);
  }
}
