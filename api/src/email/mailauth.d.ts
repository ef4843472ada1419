// Types for the parts of mailauth 4.9 (CommonJS, no types of its own) that Deskmate calls.
// Deep imports: the package has no "exports" map; its version is pinned in api/package.json.

declare module 'mailauth/lib/dkim/verify.js' {
  export interface DkimResult {
    id?: string;
    signingDomain?: string;
    status: { result: string; comment?: string | false; aligned?: string | false; underSized?: number };
    info?: string;
  }
  export function dkimVerify(
    input: Buffer | string,
    options: { resolver?: (name: string, type: string) => Promise<unknown>; sender?: string; minBitLength?: number },
  ): Promise<{ headerFrom: string[] | undefined; envelopeFrom: string | false | undefined; results: DkimResult[] }>;
}

declare module 'mailauth/lib/dkim/sign.js' {
  export function dkimSign(
    input: Buffer | string,
    options: {
      canonicalization?: string;
      algorithm?: string;
      signTime?: Date;
      signatureData: { signingDomain: string; selector: string; privateKey: string | Buffer; algorithm?: string }[];
    },
  ): Promise<{ signatures: string; errors: unknown[] }>;
}

declare module 'mailauth/lib/spf/index.js' {
  export function spf(options: {
    sender?: string;
    ip?: string;
    helo?: string;
    mta?: string;
    resolver?: (name: string, type: string) => Promise<unknown>;
  }): Promise<{ status: { result: string; comment?: string | false }; domain?: string } | false>;
}

declare module 'mailauth/lib/dmarc/index.js' {
  export function dmarc(options: {
    headerFrom: string | string[];
    spfDomains: string[];
    dkimDomains: { id?: string; domain?: string; aligned?: string | false; underSized?: number }[];
    resolver?: (name: string, type: string) => Promise<unknown>;
  }): Promise<{ status: { result: string; comment?: string }; domain?: string; policy?: string } | false>;
}

declare module 'mailauth/lib/tools.js' {
  /** The entry of `domains` whose organizational domain is the one of `fromDomain` (relaxed), or false. */
  export function getAlignment(
    fromDomain: string,
    domains: (string | { domain: string })[],
    strict?: boolean,
  ): { domain: string } | false;
}
