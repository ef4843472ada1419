/**
 * A fuzz pass over every JSON route, generated from GET /api/openapi.json: wrong types, missing
 * fields, huge strings, unicode, deep nesting, hostile path and query values. No answer may be a
 * 5xx or carry a stack trace; every error is in the one error shape.
 */
import { eq } from 'drizzle-orm';
import { ZErrorBody } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../api/src/index.js';
import { startTestApp, type TestApp } from '../api/src/test/app.js';
import { createUserWithPassword, sessionCookie } from '../api/src/test/auth.js';

type Json = unknown;
interface Op {
  method: string;
  path: string;
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  parameters?: { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
}

const huge = 'x'.repeat(200_000);
const unicode = 'Zoë 👩🏽‍💻 مرحبا 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202e\u200b ☃';
const deep = (n: number): Json => (n === 0 ? 'bottom' : { a: deep(n - 1) });

/** Values that are wrong for a property of this schema, or hostile for any. */
function badValues(s: JsonSchema): Json[] {
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const common: Json[] = [null, unicode, huge, deep(60), [], {}, -1, 1e308, true, '\u0000'];
  if (type === 'string') return [...common, 42, ['a'], { $gt: '' }];
  if (type === 'number' || type === 'integer') return [...common, '12', 1.5, Number.MAX_SAFE_INTEGER * 4];
  if (type === 'boolean') return [...common, 'true', 0];
  if (type === 'array') return [...common, 'a,b', [deep(30)], Array.from({ length: 2000 }, () => 'x')];
  return common;
}

function bodies(s: JsonSchema): Json[] {
  const props = Object.keys(s.properties ?? {});
  const out: Json[] = [
    {},
    [],
    'text',
    42,
    null,
    deep(200),
    { ...Object.fromEntries(props.map((p) => [p, unicode])), extra: 1 },
  ];
  for (const p of props) for (const v of badValues(s.properties![p]!)) out.push({ [p]: v });
  return out;
}

const pathValues = [
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  `IT-${'9'.repeat(40)}`,
  encodeURIComponent(unicode),
  'x'.repeat(3000),
  'null',
];

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { TICKET_CREATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await app.stop();
});

describe('fuzzing every JSON route from the OpenAPI document', () => {
  it('never answers 5xx or a stack trace', async () => {
    const admin = await createUserWithPassword(app.database.db, { role: 'admin' });
    const cookieFor = async () => {
      const [row] = await app.database.db.select().from(schema.users).where(eq(schema.users.id, admin.id));
      return sessionCookie(app, row!);
    };
    let cookie = await cookieFor();
    const doc = (await (await app.fetch('/api/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, method, path })),
    );
    // Signing out everywhere would end the fuzzing session; the events stream never ends.
    const skip = new Set(['post /api/auth/logout-all', 'get /api/events']);
    let requests = 0;
    const failures: string[] = [];
    for (const op of ops) {
      if (skip.has(`${op.method} ${op.path}`)) continue;
      const bodySchema = op.requestBody?.content['application/json'].schema;
      const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
      const paths = op.path.includes('{') ? pathValues.map((v) => op.path.replace(/\{[^}]+\}/g, v)) : [op.path];
      const variants: { path: string; body?: Json }[] = [];
      for (const path of paths) variants.push({ path, ...(bodySchema ? { body: {} } : {}) });
      const base = paths[0]!;
      if (bodySchema) for (const body of bodies(bodySchema)) variants.push({ path: base, body });
      for (const q of queryParams) {
        for (const v of ['', unicode, huge.slice(0, 5000), '%00', '[]', '-1', 'true'])
          variants.push({ path: `${base}?${q.name}=${encodeURIComponent(v)}` });
        variants.push({ path: `${base}?${q.name}=a&${q.name}=b` });
      }
      for (const v of variants) {
        const res = await app.fetch(v.path, {
          method: op.method.toUpperCase(),
          headers: { cookie, origin: new URL(app.url).origin, 'content-type': 'application/json' },
          ...(v.body !== undefined && op.method !== 'get' ? { body: JSON.stringify(v.body) } : {}),
        });
        requests++;
        const text = await res.text();
        if (res.status >= 500 || /\bat .+\.(?:js|ts):\d+/.test(text))
          failures.push(
            `${op.method.toUpperCase()} ${v.path.slice(0, 120)} ${JSON.stringify(v.body)?.slice(0, 120)} → ${res.status} ${text.slice(0, 200)}`,
          );
        if (res.status >= 400 && res.status !== 404 && text) {
          const parsed = ZErrorBody.safeParse(JSON.parse(text));
          if (!parsed.success)
            failures.push(`${op.method.toUpperCase()} ${v.path} → ${res.status} not in the error shape`);
        }
        if (res.status === 401) cookie = await cookieFor();
      }
    }
    console.log(`fuzz: ${requests} requests over ${ops.length} operations`);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
  }, 300_000);
});
