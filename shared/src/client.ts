import { ZErrorBody, type TErrorBody, type TErrorCode } from './errors.js';
import { ZHealth, type THealth } from './health.js';
import { z } from 'zod';
import { ZUserRole, type TUserRole } from './domain.js';
import {
  fillPath,
  queryString,
  type Endpoint,
  type EndpointGroup,
  type EndpointInput,
  type EndpointOutput,
  type UploadInput,
} from './api/endpoint.js';
import { endpoints, type TypedApi } from './endpoints/index.js';

/** An error answered by the Deskmate API, in the one error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: TErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  /** Bearer token (an integration token or a JWT); omit for cookie sessions in the browser. */
  token?: string;
  /** Extra headers on every request (an integration acting for a chat user). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/**
 * The typed client used by the bot, the console and the terminal chat. Every response is parsed
 * with the contract's zod schema, so a drift between server and client fails loudly.
 */
export class ApiClient {
  private readonly fetchImpl: typeof fetch;
  private methods: TypedApi | undefined;

  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** One typed method per endpoint of the table (`api.tickets.claim({ params: { key } })`). */
  get api(): TypedApi {
    // Built on first use: a bot makes a client per chat user (`actingAs`) and calls one or two.
    this.methods ??= Object.fromEntries(
      Object.entries(endpoints).map(([resource, group]) => [resource, this.methodsOf(group)]),
    ) as unknown as TypedApi;
    return this.methods;
  }

  /**
   * Call one endpoint: the path filled from `params`, `query` as a query string, `body` as JSON,
   * the answer parsed with the endpoint's response schema (nothing for 204).
   */
  async call<E extends Endpoint>(endpoint: E, input?: EndpointInput<E>): Promise<EndpointOutput<E>> {
    const { params, query, body, file, bytes } = (input ?? {}) as {
      params?: object;
      query?: object;
      body?: unknown;
    } & Partial<UploadInput>;
    const path = `/api${fillPath(endpoint.path, params as Record<string, unknown>)}${queryString(query as Record<string, unknown>)}`;
    let sent: SentBody | undefined;
    if (file) {
      const form = new FormData();
      form.append('file', file.data, file.filename);
      // No content-type of ours: fetch writes multipart/form-data with its boundary.
      sent = { type: null, data: form };
    } else if (bytes) sent = { type: bytes.contentType, data: bytes.data };
    else if (body !== undefined) sent = { type: 'application/json', data: JSON.stringify(body) };
    const json = await this.send(endpoint.method, path, endpoint.response ?? ZNoContent, sent);
    return (endpoint.response ? json : undefined) as EndpointOutput<E>;
  }

  private methodsOf(group: EndpointGroup) {
    return Object.fromEntries(
      Object.entries(group).map(([name, endpoint]) => [name, (input?: never) => this.call(endpoint, input)]),
    );
  }

  /**
   * A call by method and path, parsed with the given schema: for paths outside the endpoint table
   * (tests probing what the table does not declare). Everything else goes through `api`.
   */
  async request<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    return this.send(
      method,
      path,
      schema,
      body === undefined ? undefined : { type: 'application/json', data: JSON.stringify(body) },
    );
  }

  /** Send bytes (a file upload such as a zip of articles) rather than JSON. */
  async upload<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body: Blob | Uint8Array<ArrayBuffer>,
    contentType: string,
  ): Promise<z.infer<S>> {
    return this.send(method, path, schema, { type: contentType, data: body });
  }

  private async send<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body: SentBody | undefined,
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (body?.type) headers['content-type'] = body.type;
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const res = await this.fetchImpl(new URL(path, this.options.baseUrl), { method, headers, body: body?.data });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // Not ours (a proxy's HTML error page): the status says what happened.
      json = undefined;
    }
    if (!res.ok) {
      const parsed = ZErrorBody.safeParse(json);
      const error: TErrorBody['error'] = parsed.success
        ? parsed.data.error
        : {
            code: res.status === 413 ? ('payload_too_large' as const) : ('internal' as const),
            message: res.status === 413 ? 'The file is too large for the server' : `HTTP ${res.status}`,
          };
      throw new ApiError(res.status, error.code, error.message, error.details);
    }
    return schema.parse(json);
  }

  /** The same client, acting for a Slack or Teams user (needs a token with scope chat:act). */
  actingAs(provider: 'slack' | 'teams', providerUserId: string): ApiClient {
    return new ApiClient({
      ...this.options,
      headers: {
        ...this.options.headers,
        'x-deskmate-act-as-provider': provider,
        'x-deskmate-act-as-user': providerUserId,
      },
    });
  }

  /** `GET /healthz`: answers even when the database is down (status 503 is not thrown). */
  async health(): Promise<THealth> {
    const res = await this.fetchImpl(new URL('/healthz', this.options.baseUrl));
    return ZHealth.parse(await res.json());
  }
}

/** A request body as sent: JSON text, bytes, or a form (fetch then writes the content type). */
interface SentBody {
  type: string | null;
  data: string | Blob | Uint8Array<ArrayBuffer> | FormData;
}

/** A 204 (or any answer an endpoint declares no schema for): nothing to read. */
const ZNoContent = z.unknown();

/** What a refusal by role says in its `details`: the least role the request takes. */
export const ZRoleRefusal = z.object({ requiredRole: ZUserRole });
export type TRoleRefusal = z.infer<typeof ZRoleRefusal>;

/**
 * The role an API refusal asked for (`agent` when a requester pressed an agents' button), or null
 * when the error is anything else. Chat adapters render their own words for it from this, so that
 * the API alone decides who may do what.
 */
export function refusedRole(err: unknown): TUserRole | null {
  if (!(err instanceof ApiError) || err.code !== 'forbidden') return null;
  const parsed = ZRoleRefusal.safeParse(err.details);
  return parsed.success ? parsed.data.requiredRole : null;
}
