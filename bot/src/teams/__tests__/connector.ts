import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot made to the Bot Connector. */
export interface TCaptured {
  method: string;
  /** Decoded path: /v3/conversations/<conversation>/activities[/<id>] */
  path: string;
  body: Record<string, unknown> | null;
  /** The id this stand-in gave a posted activity. */
  id?: string;
}

export interface TRosterMember {
  id: string;
  name: string;
  aadObjectId: string;
  email?: string;
  userPrincipalName?: string;
}

/**
 * A local stand-in for the Bot Connector, at the serviceUrl of the activities the tests post:
 * it records every request, gives sent activities ids (m-1, m-2, …), answers roster lookups,
 * and can be told to fail the next send (429 with Retry-After, 403, 404).
 */
export class FakeConnector {
  readonly requests: TCaptured[] = [];
  readonly roster = new Map<string, TRosterMember>();
  /** Files served at this stand-in (GET by path): pasted images, personal-chat file downloads. */
  readonly files = new Map<string, Buffer>();
  private server: Server | undefined;
  private sent = 0;
  private failures: { status: number; headers?: Record<string, string>; code: string; path: string }[] = [];
  private slowRoster = 0;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        const captured: TCaptured = {
          method: req.method ?? '',
          path,
          body: raw ? (JSON.parse(raw) as Record<string, unknown>) : null,
        };
        this.requests.push(captured);
        const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        const served = req.method === 'GET' ? this.files.get(path) : undefined;
        if (served) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end(served);
          return;
        }
        const member = /^\/v3\/conversations\/[^/]+\/members\/(.+)$/.exec(path);
        if (req.method === 'GET' && member) {
          const found = this.roster.get(member[1]!);
          const answer = () =>
            found ? reply(200, found) : reply(404, { error: { code: 'MemberNotFoundInConversation', message: 'no' } });
          const delay = this.slowRoster;
          this.slowRoster = 0;
          if (delay) setTimeout(answer, delay);
          else answer();
          return;
        }
        const failing = this.failures.findIndex((f) => path.startsWith(f.path) && req.method !== 'GET');
        const failure = failing >= 0 ? this.failures.splice(failing, 1)[0] : undefined;
        if (failure)
          return reply(failure.status, { error: { code: failure.code, message: failure.code } }, failure.headers);
        if (req.method === 'POST') {
          captured.id = `m-${++this.sent}`;
          return reply(201, { id: captured.id });
        }
        if (req.method === 'PUT') return reply(200, { id: path.split('/').pop() });
        return reply(404, { error: { code: 'NotFound', message: 'no' } });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  /** Answer the next roster lookup only after `ms` (a slow Teams). */
  slowNextRoster(ms: number): void {
    this.slowRoster = ms;
  }

  /** Fail the next send or update whose path starts with `path`. */
  failNext(path: string, status: number, code: string, headers?: Record<string, string>): void {
    this.failures.push({ path, status, code, ...(headers ? { headers } : {}) });
  }

  /**
   * Requests since the mark, without roster lookups (asserted separately where they matter); with
   * `under`, only those to that conversation (the delivery runner posts elsewhere in the background).
   */
  since(mark: number, options: { roster?: boolean; under?: string } = {}): TCaptured[] {
    const under = options.under === undefined ? undefined : `/v3/conversations/${options.under}/`;
    return this.requests
      .slice(mark)
      .filter((r) => (options.roster || r.method !== 'GET') && (!under || r.path.startsWith(under)));
  }

  get mark(): number {
    return this.requests.length;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
