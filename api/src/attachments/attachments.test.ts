import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import {
  ZAttachmentList,
  ZErrorBody,
  ZTicketDetailResponse,
  ZTimeline,
  ZUploadResponse,
  type TTicket,
  type TTimelineEvent,
} from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { attachments } from '../db/schema-attachments.js';
import { ticketEvents } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { purgeExpired } from '../jobs/definitions/purge-expired.js';
import { silentLogger } from '../logger.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { fileTicket } from '../test/tickets.js';

const MAX = 64 * 1024;
const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let clock: FakeClock;
let agent: UserRow;
let alice: UserRow;
let bob: UserRow;
let photo: Buffer; // an 800x600 PNG
const as = (user: UserRow) => sessionCookie(app, user);

/** A Windows program, as the bytes of one (the MZ and PE headers). */
const program = (() => {
  const b = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
  b.writeUInt32LE(0x40, 0x3c);
  b.write('PE\0\0', 0x40, 'latin1');
  return b;
})();

beforeAll(async () => {
  clock = new FakeClock(new Date());
  database = testDatabase.current;
  app = await startTestApp({ database, clock, env: { ATTACHMENT_MAX_BYTES: String(MAX) } });
  agent = await createUserWithPassword(database.db, { role: 'agent', name: 'Sam Agent' });
  alice = await createUserWithPassword(database.db, { name: 'Alice' });
  bob = await createUserWithPassword(database.db, { name: 'Bob' });
  await createGroup(database.db, { name: 'Desk', members: [agent.id] });
  photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await app.stop();
});

/** POST /api/attachments as a browser does: multipart/form-data with the session cookie and Origin. */
async function upload(user: UserRow, filename: string, type: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  const res = await app.fetch('/api/attachments', {
    method: 'POST',
    headers: { cookie: as(user), origin: new URL(app.url).origin },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function uploaded(user: UserRow, filename = 'screen.png', type = 'image/png', bytes = photo): Promise<string> {
  const res = await upload(user, filename, type, bytes);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return ZUploadResponse.parse(res.body).upload.id;
}

async function open(by: UserRow = alice, extra: Record<string, unknown> = {}): Promise<TTicket> {
  return fileTicket(app, by, {
    title: 'Printer shows an error',
    description: 'See the photo of the display.',
    ...extra,
  });
}

const timeline = async (key: string, user: UserRow): Promise<TTimelineEvent[]> => {
  const res = await call(app, 'GET', `/tickets/${key}/timeline`, { cookie: as(user) });
  expect(res.status).toBe(200);
  return ZTimeline.parse(res.body).items;
};
const file = (key: string, id: string, user: UserRow, thumbnail = false) =>
  app.fetch(`/api/tickets/${key}/attachments/${id}${thumbnail ? '/thumbnail' : ''}`, {
    headers: { cookie: as(user) },
  });
const pending = async () =>
  (await database.db.select({ id: attachments.id, ticketId: attachments.ticketId }).from(attachments)).filter(
    (a) => a.ticketId === null,
  );

describe('uploads are judged by their bytes, on the server', () => {
  it('keeps an image as the type its bytes have, waiting to be attached, with a preview', async () => {
    const res = await upload(alice, 'screen photo.png', 'image/png', photo);
    expect(res.status).toBe(201);
    const { upload: up } = ZUploadResponse.parse(res.body);
    expect(up).toMatchObject({ filename: 'screen photo.png', contentType: 'image/png', size: photo.length });
    expect(up.thumbnail).toBe(true);
    const [row] = await database.db.select().from(attachments).where(eq(attachments.id, up.id));
    expect(row).toMatchObject({ source: 'upload', uploaderId: alice.id, ticketId: null, eventId: null });
    expect(Buffer.compare(row!.content, photo)).toBe(0);
  });

  it('refuses a program disguised as a PDF with 415 and the reason, and keeps nothing', async () => {
    const before = (await database.db.select().from(attachments)).length;
    const res = await upload(alice, 'invoice.pdf', 'application/pdf', program);
    expect(res.status).toBe(415);
    const { error } = ZErrorBody.parse(res.body);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('invoice.pdf was not accepted: a program');
    expect(error.details).toMatchObject({ reason: 'executable', filename: 'invoice.pdf' });
    expect((await database.db.select().from(attachments)).length).toBe(before);
  });

  it('refuses content that is not what its name says, and a type not on the list', async () => {
    const fake = await upload(alice, 'report.pdf', 'application/pdf', photo);
    expect(fake.status).toBe(415);
    expect(ZErrorBody.parse(fake.body).error.details).toMatchObject({ reason: 'type_mismatch' });
    const archive = Buffer.concat([Buffer.from('377abcaf271c0004', 'hex'), Buffer.alloc(64)]);
    const backup = await upload(alice, 'backup.7z', 'application/x-7z-compressed', archive);
    expect(backup.status).toBe(415);
    expect(ZErrorBody.parse(backup.body).error.details).toMatchObject({ reason: 'type_not_allowed' });
  });

  it('refuses a file over ATTACHMENT_MAX_BYTES with 413 (read up to the limit only), and one far over before reading it', async () => {
    const big = Buffer.concat([photo, Buffer.alloc(MAX)]);
    const res = await upload(alice, 'huge.png', 'image/png', big);
    expect(res.status).toBe(413);
    const { error } = ZErrorBody.parse(res.body);
    expect(error.code).toBe('payload_too_large');
    expect(error.details).toMatchObject({ reason: 'too_large', filename: 'huge.png' });
    const far = await app.fetch('/api/attachments', {
      method: 'POST',
      headers: {
        cookie: as(alice),
        origin: new URL(app.url).origin,
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(10 * MAX),
      },
      body: Buffer.alloc(10 * MAX),
    });
    expect(far.status).toBe(413);
    expect(ZErrorBody.parse(await far.json()).error.code).toBe('payload_too_large');
    // A file just under the limit passes.
    const text = Buffer.from('a'.repeat(MAX - 10));
    expect((await upload(alice, 'log.txt', 'text/plain', text)).status).toBe(201);
  });

  it('answers a malformed upload with 4xx in the one error shape', async () => {
    const raw = await call(app, 'POST', '/attachments', {
      cookie: as(alice),
      rawBody: 'just text',
      headers: { 'content-type': 'text/plain' },
    });
    expect(raw.status).toBe(415);
    expect(ZErrorBody.parse(raw.body).error.message).toContain('multipart/form-data');
    const two = new FormData();
    two.append('file', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'a.png');
    two.append('file', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'b.png');
    const none = new FormData();
    none.append('note', 'no file here');
    for (const body of [two, none]) {
      const res = await app.fetch('/api/attachments', {
        method: 'POST',
        headers: { cookie: as(alice), origin: new URL(app.url).origin },
        body,
      });
      expect(res.status).toBe(400);
      expect(ZErrorBody.parse(await res.json()).error.code).toBe('bad_request');
    }
    const anonymous = await app.fetch('/api/attachments', { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
  });
});

describe('the reply, note or ticket that references an upload owns it', () => {
  it('a requester’s reply with a photo: on the event, downloadable, previewed as a small inline image', async () => {
    const t = await open();
    const id = await uploaded(alice, 'printer display.png');
    const res = await call<{ event: TTimelineEvent }>(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(alice),
      body: { body: 'Here is the display', attachmentIds: [id] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.event.attachments).toEqual([
      { id, filename: 'printer display.png', contentType: 'image/png', size: photo.length, thumbnail: true },
    ]);
    for (const viewer of [alice, agent]) {
      const reply = (await timeline(t.key, viewer)).find((e) => e.kind === 'reply')!;
      expect(reply.attachments.map((a) => a.id)).toEqual([id]);
    }

    const download = await file(t.key, id, agent);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''printer%20display.png`);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), photo)).toBe(0);

    const preview = await file(t.key, id, alice, true);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/webp');
    expect(preview.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(preview.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(preview.headers.get('x-content-type-options')).toBe('nosniff');
    const meta = await sharp(Buffer.from(await preview.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 480, height: 360 });
    // Made once, then served from the database.
    const [row] = await database.db.select().from(attachments).where(eq(attachments.id, id));
    expect(row!.thumbnail?.length).toBeGreaterThan(0);
    expect(row!.attachedAt).toEqual(clock.now());
  });

  it('a file with no preview (text) answers 404 on the preview route, 200 as a download', async () => {
    const t = await open();
    const id = await uploaded(alice, 'error.log', 'text/plain', Buffer.from('E42 paper jam\n'));
    await call(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(alice),
      body: { body: '', attachmentIds: [id] },
    });
    const [reply] = (await timeline(t.key, alice)).filter((e) => e.kind === 'reply');
    expect(reply!.body).toBe('');
    expect(reply!.attachments).toMatchObject([{ id, thumbnail: false }]);
    expect((await file(t.key, id, alice, true)).status).toBe(404);
    expect((await file(t.key, id, alice)).status).toBe(200);
  });

  it('a reply needs words or a file', async () => {
    const t = await open();
    const res = await call(app, 'POST', `/tickets/${t.key}/replies`, { cookie: as(alice), body: { body: ' ' } });
    expect(res.status).toBe(400);
    expect(ZErrorBody.parse(res.body).error.message).toBe('Invalid body.body: is required');
  });

  it('a requester cannot reference someone else’s upload, nor one twice: 400, nothing posted', async () => {
    const t = await open();
    const bobs = await uploaded(bob);
    const events = async () =>
      (await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id))).length;
    const before = await events();
    const res = await call(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(alice),
      body: { body: 'Look at this', attachmentIds: [bobs] },
    });
    expect(res.status).toBe(400);
    expect(ZErrorBody.parse(res.body).error.message).toContain('not an upload of yours waiting to be attached');
    expect(await events()).toBe(before);
    const [row] = await database.db.select().from(attachments).where(eq(attachments.id, bobs));
    expect(row).toMatchObject({ ticketId: null, uploaderId: bob.id });

    // One's own upload, once: the second reference is refused and the first reply keeps it.
    const mine = await uploaded(alice);
    const first = await call(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(alice),
      body: { body: 'One', attachmentIds: [mine] },
    });
    expect(first.status).toBe(201);
    const other = await open();
    const again = await call(app, 'POST', `/tickets/${other.key}/replies`, {
      cookie: as(alice),
      body: { body: 'Two', attachmentIds: [mine] },
    });
    expect(again.status).toBe(400);
    const [kept] = await database.db.select().from(attachments).where(eq(attachments.id, mine));
    expect(kept!.ticketId).toBe(t.id);
    // Nor may a new ticket take someone else's upload.
    const stolen = await call(app, 'POST', '/tickets', {
      cookie: as(alice),
      body: { title: 'Borrowed file', description: 'x', attachmentIds: [bobs] },
    });
    expect(stolen.status).toBe(400);
  });

  it('an internal note’s file: the agent sees it; for the requester it is 404 on list, download and preview, and absent from the timeline', async () => {
    const t = await open();
    await call(app, 'POST', `/tickets/${t.key}/claim`, { cookie: as(agent) });
    const id = await uploaded(agent, 'asset-register.png');
    const note = await call<{ event: TTimelineEvent }>(app, 'POST', `/tickets/${t.key}/notes`, {
      cookie: as(agent),
      body: { body: 'Internal: the asset register', attachmentIds: [id] },
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.body.event.attachments.map((a) => a.id)).toEqual([id]);

    const list = async (user: UserRow) =>
      ZAttachmentList.parse((await call(app, 'GET', `/tickets/${t.key}/attachments`, { cookie: as(user) })).body).items;
    expect((await list(agent)).map((a) => a.id)).toEqual([id]);
    expect(await list(alice)).toEqual([]);
    for (const thumbnail of [false, true]) {
      const res = await file(t.key, id, alice, thumbnail);
      expect(res.status).toBe(404);
      expect(ZErrorBody.parse(await res.json()).error.code).toBe('not_found');
      expect((await file(t.key, id, agent, thumbnail)).status).toBe(200);
    }
    const seen = await timeline(t.key, alice);
    expect(JSON.stringify(seen)).not.toContain(id);
    expect(JSON.stringify(seen)).not.toContain('asset-register');
    expect((await timeline(t.key, agent)).find((e) => e.kind === 'note')!.attachments.map((a) => a.id)).toEqual([id]);
  });

  it('a new ticket takes its opener’s uploads: the ticket detail lists them, for its requester and agents', async () => {
    const id = await uploaded(alice, 'error-code.png');
    const t = await open(alice, { attachmentIds: [id] });
    for (const viewer of [alice, agent]) {
      const res = await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(viewer) });
      const detail = ZTicketDetailResponse.parse(res.body);
      expect(detail.attachments).toEqual([
        { id, filename: 'error-code.png', contentType: 'image/png', size: photo.length, thumbnail: true },
      ]);
    }
    expect((await file(t.key, id, alice, true)).status).toBe(200);
    const res = await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(bob) });
    expect(res.status).toBe(404);
    expect((await file(t.key, id, bob)).status).toBe(404);
  });

  it('the portal wizard files its ticket with the uploads sent with the confirming answer', async () => {
    const id = await uploaded(alice, 'wifi.png');
    const start = await call<{ session: { id: string; version: number; prompt: { step: string } } }>(
      app,
      'POST',
      '/chat/sessions',
      { cookie: as(alice), body: { channel: 'web', text: 'The office wifi drops every few minutes on my laptop' } },
    );
    expect(start.status).toBe(200);
    let session = start.body.session;
    // Walk the wizard to its summary, answering each step with its first choice or some text.
    for (let i = 0; i < 12 && session.prompt.step !== 'summary'; i++) {
      const prompt = session.prompt as {
        step: string;
        choices?: { value: string }[];
        groups?: { choices: { value: string }[] }[];
        input?: unknown;
      };
      const input = prompt.groups
        ? { type: 'choices', values: prompt.groups.map((g) => g.choices[0]!.value), step: prompt.step }
        : prompt.input
          ? { type: 'text', text: 'Since Monday, on every floor.' }
          : prompt.step === 'suggest'
            ? { type: 'choice', value: 'need_help', step: prompt.step }
            : { type: 'choice', value: prompt.choices![0]!.value, step: prompt.step };
      const res = await call<{ session: typeof session }>(app, 'POST', `/chat/sessions/${session.id}/input`, {
        cookie: as(alice),
        body: { input },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      session = res.body.session;
    }
    expect(session.prompt.step).toBe('summary');
    const done = await call<{ session: { ticketKey: string | null } }>(
      app,
      'POST',
      `/chat/sessions/${session.id}/input`,
      {
        cookie: as(alice),
        body: { input: { type: 'choice', value: 'confirm', step: 'summary' }, attachmentIds: [id] },
      },
    );
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const key = done.body.session.ticketKey!;
    expect(key).toMatch(/^IT-/);
    const detail = ZTicketDetailResponse.parse((await call(app, 'GET', `/tickets/${key}`, { cookie: as(alice) })).body);
    expect(detail.attachments.map((a) => a.id)).toEqual([id]);
  });
});

describe('uploads waiting to be attached', () => {
  it('can be taken back by their uploader only', async () => {
    const id = await uploaded(alice);
    expect((await call(app, 'DELETE', `/attachments/${id}`, { cookie: as(bob) })).status).toBe(404);
    expect((await call(app, 'DELETE', `/attachments/${id}`, { cookie: as(alice) })).status).toBe(204);
    expect(await database.db.select().from(attachments).where(eq(attachments.id, id))).toEqual([]);
    expect((await call(app, 'DELETE', `/attachments/${id}`, { cookie: as(alice) })).status).toBe(404);
  });

  it('are refused after a day, and purged by the maintenance job', async () => {
    const id = await uploaded(alice);
    const t = await open();
    const run = () =>
      purgeExpired.handler(purgeExpired.payload.parse({}), {
        db: database.db,
        clock,
        logger: silentLogger(),
        config: app.config,
        attempt: 1,
        senders: [],
        inbound: [],
      });
    clock.advance(23 * 3_600_000);
    await run();
    expect((await pending()).map((p) => p.id)).toContain(id);
    clock.advance(2 * 3_600_000);
    const late = await call(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(alice),
      body: { body: 'Late file', attachmentIds: [id] },
    });
    expect(late.status).toBe(400);
    await run();
    expect((await pending()).map((p) => p.id)).not.toContain(id);
    // Attached files stay, whatever their age.
    expect((await database.db.select().from(attachments)).filter((a) => a.ticketId !== null).length).toBeGreaterThan(0);
  });
});
