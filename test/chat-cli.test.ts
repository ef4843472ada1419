import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import type { TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../api/src/index.js';
import { startTestApp, type TestApp } from '../api/src/test/app.js';
import { call, createUserWithPassword, sessionCookie, TEST_PASSWORD } from '../api/src/test/auth.js';
import { repoRoot } from './process.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.stop();
});

/** Run `npm run chat`'s script with typed lines, as a person would in a terminal. */
function chat(url: string, email: string, lines: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=development',
        'scripts/chat.ts',
        '--url',
        url,
        '--email',
        email,
        '--password',
        TEST_PASSWORD,
      ],
      {
        cwd: repoRoot,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run chat (the terminal renderer)', () => {
  it('a full intake produces a ticket with the classified priority, visible through the API', async () => {
    const user = await createUserWithPassword(app.database.db, { email: `terminal-${Date.now()}@example.test` });
    const { code, output } = await chat(app.url, user.email, [
      'the whole office lost internet and phones, nobody can work',
      'I still need help',
      'network',
      'whole office, I cannot work',
      'skip',
      'confirm',
    ]);
    expect(output, output).toMatch(/Ticket (IT-\d+) is open/);
    expect(code).toBe(0);
    const key = /Ticket (IT-\d+) is open/.exec(output)![1]!;
    const res = await call<{ ticket: TTicket }>(app, 'GET', `/tickets/${key}`, { cookie: sessionCookie(app, user) });
    expect(res.body.ticket).toMatchObject({
      priority: 'urgent',
      category: 'network',
      channel: 'api',
      requester: { email: user.email },
    });
    const [row] = await app.database.db.select().from(schema.tickets).where(eq(schema.tickets.key, key));
    expect(row?.title.toLowerCase()).toContain('internet');
  });

  it('says plainly when sign-in fails', async () => {
    const { code, output } = await chat(app.url, 'nobody@example.test', []);
    expect(code).toBe(1);
    expect(output).toContain('Email or password is incorrect');
  });
});
