import type { z } from 'zod';

/**
 * One API endpoint, declared once: the server binds its handler to it (`bindRoute` in
 * api/src/http/route.ts), the typed client calls it (`ApiClient.api`), and the OpenAPI document is
 * generated from it. Schemas are the contract; who may call it (access, scopes) is the server's.
 */
export interface Endpoint<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
  U extends Upload | undefined = Upload | undefined,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under /api, Express syntax (`/tickets/:key`). */
  path: string;
  /** One line for the OpenAPI document. */
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The JSON answered on success; none means 204 No Content. */
  response?: R;
  /** Success status (default 200, or 204 without a response). */
  status?: number;
  /**
   * A request that carries a file rather than JSON: `file` as multipart/form-data (field `file`),
   * `bytes` as the raw body with its content type (the server reads either from the stream).
   */
  upload?: U;
}

export type Upload = 'file' | 'bytes';

/** Declare an endpoint, keeping its literal schema types (what binder and client are typed from). */
export function endpoint<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
  U extends Upload | undefined = undefined,
>(definition: Endpoint<P, Q, B, R, U>): Endpoint<P, Q, B, R, U> {
  return definition;
}

/** A request part: required when its schema needs something, optional when it takes `{}` (all optional). */
type Part<Name extends string, S> = S extends z.ZodType
  ? object extends z.input<S>
    ? { [K in Name]?: z.input<S> }
    : { [K in Name]: z.input<S> }
  : { [K in Name]?: never };

/** A file for an upload endpoint: a multipart file with its name, or raw bytes with their type. */
export interface UploadInput {
  file: { data: Blob; filename: string };
  bytes: { data: Blob | Uint8Array<ArrayBuffer>; contentType: string };
}
type UploadPart<U> = U extends Upload ? { [K in U]: UploadInput[K] } : unknown;

/** What a caller sends: `params`, `query` and `body` as the endpoint's schemas accept them (and an upload's file). */
export type EndpointInput<E> =
  E extends Endpoint<infer P, infer Q, infer B, z.ZodType | undefined, infer U>
    ? Part<'params', P> & Part<'query', Q> & Part<'body', B> & UploadPart<U>
    : never;

/** What a caller gets back: the parsed response, or nothing for 204. */
export type EndpointOutput<E> =
  E extends Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, infer R>
    ? R extends z.ZodType
      ? z.output<R>
      : void
    : never;

/** What a handler must answer: what the response schema accepts (the client parses it), or nothing. */
export type EndpointResult<E> =
  E extends Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, infer R>
    ? R extends z.ZodType
      ? z.input<R>
      : void
    : never;

/** A group of endpoints (one resource), and the table: resources by name. */
export type EndpointGroup = Record<string, Endpoint>;

/** Whether an endpoint may be called with no argument (no params, query or body to give). */
type NoInput<E> = object extends EndpointInput<E> ? true : false;

/** One method per endpoint: the typed client generated from a group. */
export type EndpointMethods<G extends EndpointGroup> = {
  [K in keyof G]: NoInput<G[K]> extends true
    ? (input?: EndpointInput<G[K]>) => Promise<EndpointOutput<G[K]>>
    : (input: EndpointInput<G[K]>) => Promise<EndpointOutput<G[K]>>;
};

/** `/tickets/:key` with `{ key: 'IT-1' }` → `/tickets/IT-1` (each value URI-encoded). */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(String(value as string | number));
  });
}

/** A query string (`?a=1&b=2`) leaving out empty values; arrays repeat their key. */
export function queryString(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || v === null || v === '') continue;
      search.append(name, String(v as string | number | boolean));
    }
  }
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}
