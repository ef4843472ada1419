import { promises as dns } from 'node:dns';

/** A DNS lookup as mailauth makes it (`dns.promises.resolve`'s shape); tests answer from a table. */
export type DnsResolver = (name: string, type: string) => Promise<unknown>;

/** The system's DNS with short timeouts: a slow resolver must not hold an inbound mail's transaction. */
export function systemResolver(): DnsResolver {
  const resolver = new dns.Resolver({ timeout: 3000, tries: 2 });
  return (name, type) => resolver.resolve(name, type);
}
