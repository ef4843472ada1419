import { eq } from 'drizzle-orm';
import { ZErrorBody, type TChatSession, type TTicket, type wizard } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatSessionFiles } from '../db/schema-chat.js';
import { attachments } from '../db/schema-attachments.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';

/**
 * Files from chat, through the API the bots call: a file for one's own reply or note (as visible
 * as that event), and files shared while the wizard asks (the ticket's once it is filed). Both go
 * through the same content check as uploads (ATTACHMENT_TYPES, ATTACHMENT_MAX_BYTES), and are kept
 * in `attachments` as files from chat.
 */

let app: TestApp;
let alice: UserRow;
let bob: UserRow;
let agent: UserRow;
let t: TTicket;
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

type Sent = { status: number; body: unknown };
async function send(
  path: string,
  user: UserRow,
  bytes: Buffer,
  query: Record<string, string>,
  type = 'application/octet-stream',
): Promise<Sent> {
  const res = await app.fetch(`/api${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { cookie: sessionCookie(app, user), 'content-type': type, origin: app.url },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}

const listed = async (user: UserRow, key: string) =>
  (
    await call<{ items: { filename: string }[] }>(app, 'GET', `/tickets/${key}/attachments`, {
      cookie: sessionCookie(app, user),
    })
  ).body.items.map((i) => i.filename);

beforeAll(async () => {
  app = await startTestApp({ env: { ATTACHMENT_MAX_BYTES: '4096' } });
  alice = await createUserWithPassword(app.database.db, { name: 'Alice' });
  bob = await createUserWithPassword(app.database.db, { name: 'Bob' });
  agent = await createUserWithPassword(app.database.db, { name: 'Agent', role: 'agent' });
  t = (
    await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title: 'Printer error', description: 'It shows E-42' },
    })
  ).body.ticket;
});
afterAll(async () => {
  await app?.stop();
});

const event = async (user: UserRow, kind: 'replies' | 'notes', body: string) =>
  (
    await call<{ event: { id: string } }>(app, 'POST', `/tickets/${t.key}/${kind}`, {
      cookie: sessionCookie(app, user),
      body: { body },
    })
  ).body.event.id;

describe('a file for one’s own reply or note', () => {
  it('a requester’s file in a reply is public; an agent’s file in a note is seen by agents only', async () => {
    const reply = await event(alice, 'replies', 'Here is a photo of the screen');
    const sent = await send(`/tickets/${t.key}/attachments`, alice, PNG, {
      event: reply,
      filename: 'screen.png',
      type: 'image/png',
    });
    expect(sent).toEqual({
      status: 201,
      body: {
        attachment: { id: expect.any(String), filename: 'screen.png', contentType: 'image/png', size: PNG.length },
      },
    });
    const note = await event(agent, 'notes', 'Vendor support ticket attached');
    const internal = Buffer.from('vendor case 12345, internal\n');
    expect(
      (
        await send(`/tickets/${t.key}/attachments`, agent, internal, {
          event: note,
          filename: 'case.txt',
          type: 'text/plain',
        })
      ).status,
    ).toBe(201);
    expect((await listed(agent, t.key)).sort()).toEqual(['case.txt', 'screen.png']);
    expect(await listed(alice, t.key)).toEqual(['screen.png']);
    const [row] = await app.database.db.select().from(attachments).where(eq(attachments.filename, 'case.txt'));
    expect(row).toMatchObject({ source: 'chat', eventId: note, uploaderId: null });
  });

  it('only the event’s author may add to it; someone who cannot see the ticket gets 404', async () => {
    const reply = await event(agent, 'replies', 'Try the driver update');
    const theirs = await send(`/tickets/${t.key}/attachments`, alice, PNG, { event: reply, filename: 'x.png' });
    expect(theirs.status).toBe(404);
    const stranger = await send(`/tickets/${t.key}/attachments`, bob, PNG, { event: reply, filename: 'x.png' });
    expect(stranger.status).toBe(404);
  });

  it('the same content check as uploads: a program is refused (415), a file over the limit too (413), saying why', async () => {
    const reply = await event(alice, 'replies', 'And the tool they gave me');
    const program = await send(`/tickets/${t.key}/attachments`, alice, EXE, {
      event: reply,
      filename: 'fix.pdf',
      type: 'application/pdf',
    });
    expect(program.status).toBe(415);
    expect(ZErrorBody.parse(program.body).error).toMatchObject({
      code: 'unsupported_media_type',
      message: 'fix.pdf was not attached: a program',
      details: { reason: 'executable', filename: 'fix.pdf' },
    });
    const big = await send(`/tickets/${t.key}/attachments`, alice, Buffer.alloc(5000, 0x41), {
      event: reply,
      filename: 'log.txt',
    });
    expect(big.status).toBe(413);
    const json = await send(
      `/tickets/${t.key}/attachments`,
      alice,
      Buffer.from('{}'),
      { event: reply, filename: 'a.json' },
      'application/json',
    );
    expect(json.status).toBe(415);
    expect(await listed(alice, t.key)).not.toContain('fix.pdf');
  });

  it('the same file sent again for one event is kept once; sent with another event it is that event’s too', async () => {
    const note = await event(agent, 'notes', 'The log from the vendor');
    const log = Buffer.from('E-42 at 09:14, paper path sensor\n');
    const first = await send(`/tickets/${t.key}/attachments`, agent, log, { event: note, filename: 'printer.log' });
    const again = await send(`/tickets/${t.key}/attachments`, agent, log, { event: note, filename: 'printer.log' });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await listed(alice, t.key)).not.toContain('printer.log');
    const reply = await event(agent, 'replies', 'Here is what the printer logged');
    const shared = await send(`/tickets/${t.key}/attachments`, agent, log, { event: reply, filename: 'printer.log' });
    expect(shared.status).toBe(201);
    expect(shared.body).not.toEqual(first.body);
    expect(await listed(alice, t.key)).toContain('printer.log');
    expect((await listed(agent, t.key)).filter((n) => n === 'printer.log')).toHaveLength(2);
  });
});

describe('files shared while the wizard asks', () => {
  type Res = { session: TChatSession };
  const say = (id: string, input: wizard.TWizardInput) =>
    call<Res>(app, 'POST', `/chat/sessions/${id}/input`, { cookie: sessionCookie(app, alice), body: { input } });

  it('become the ticket’s files (as public as the ticket) when the conversation files it', async () => {
    const started = await call<Res>(app, 'POST', '/chat/sessions', {
      cookie: sessionCookie(app, alice),
      body: { channel: 'web', conversation: 'files', text: 'The scanner on floor 3 shows error E-17' },
    });
    const id = started.body.session.id;
    const added = await send(`/chat/sessions/${id}/files`, alice, PNG, { filename: 'scanner.png', type: 'image/png' });
    expect(added).toEqual({
      status: 201,
      body: { file: { filename: 'scanner.png', contentType: 'image/png', size: PNG.length } },
    });
    expect((await send(`/chat/sessions/${id}/files`, bob, PNG, { filename: 'x.png' })).status).toBe(404);
    expect((await send(`/chat/sessions/${id}/files`, alice, EXE, { filename: 'x.exe' })).status).toBe(415);
    let s = started.body.session;
    if (s.step === 'suggest') s = (await say(id, { type: 'choice', value: 'need_help' })).body.session;
    s = (await say(id, { type: 'choice', value: 'hardware' })).body.session;
    s = (await say(id, { type: 'choices', values: ['me', 'blocked'] })).body.session;
    s = (await say(id, { type: 'choice', value: 'skip' })).body.session;
    s = (await say(id, { type: 'choice', value: 'confirm' })).body.session;
    expect(s.ticketKey).toMatch(/^IT-\d+$/);
    expect(await listed(alice, s.ticketKey!)).toEqual(['scanner.png']);
    const [kept] = await app.database.db.select().from(attachments).where(eq(attachments.filename, 'scanner.png'));
    expect(kept).toMatchObject({ source: 'chat', eventId: null });
    expect(await app.database.db.select().from(chatSessionFiles).where(eq(chatSessionFiles.sessionId, id))).toEqual([]);
    // The conversation has its ticket: more files go in the ticket's thread.
    expect((await send(`/chat/sessions/${id}/files`, alice, PNG, { filename: 'more.png' })).status).toBe(409);
  });

  it('a conversation that starts over drops them', async () => {
    const started = await call<Res>(app, 'POST', '/chat/sessions', {
      cookie: sessionCookie(app, alice),
      body: { channel: 'web', conversation: 'dropped', text: 'Mouse is broken' },
    });
    const id = started.body.session.id;
    await send(`/chat/sessions/${id}/files`, alice, PNG, { filename: 'mouse.png' });
    await call(app, 'POST', '/chat/sessions', {
      cookie: sessionCookie(app, alice),
      body: { channel: 'web', conversation: 'dropped', text: 'Actually the keyboard' },
    });
    expect(await app.database.db.select().from(chatSessionFiles).where(eq(chatSessionFiles.sessionId, id))).toEqual([]);
  });
});
