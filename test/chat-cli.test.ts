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

/**
 * The script in a real pseudo-terminal (util-linux `script`): waits for the first prompt, so the
 * terminal is in readline's raw mode, types one answer, and returns what the screen showed up to
 * the next question.
 */
function chatInTerminal(url: string, email: string, line: string): Promise<string> {
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  const command = [
    process.execPath,
    ...['--import', 'tsx', '--conditions=development', 'scripts/chat.ts'],
    ...['--url', url, '--email', email, '--password', TEST_PASSWORD],
  ]
    .map(quote)
    .join(' ');
  const child = spawn('script', ['-q', '-e', '-f', '-c', command, '/dev/null'], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let typed = false;
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      if (err) reject(err);
      else resolve(output);
    };
    const timer = setTimeout(() => done(new Error(`no answer in time:\n${output}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (!typed && output.includes('> ')) {
        typed = true;
        child.stdin.write(`${line}\r`);
      } else if (typed && /\[2\/6\]|\[3\/6\]/.test(output)) done();
    });
    child.on('exit', () => done(new Error(`the chat ended early:\n${output}`)));
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
    // Piped input reads as a conversation: each answer after its prompt.
    expect(output).toContain('> the whole office lost internet and phones, nobody can work\n');
    expect(output).toContain('> whole office, I cannot work\n');
    // The requester follows the ticket in the portal (the console's /tickets/… sends them to the portal home).
    expect(output).toContain(`Follow it at ${app.url}/portal/tickets/${key}\n`);
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

  it('an agent who files a ticket follows it in the console', async () => {
    const agent = await createUserWithPassword(app.database.db, {
      role: 'agent',
      email: `terminal-agent-${Date.now()}@example.test`,
    });
    const { output } = await chat(app.url, agent.email, [
      'the badge reader at the back door rejects every card since this morning',
      'I still need help',
      'hardware',
      'several people, it slows me down',
      'skip',
      'confirm',
    ]);
    const key = /Ticket (IT-\d+) is open/.exec(output)?.[1];
    expect(key, output).toBeTruthy();
    expect(output).toContain(`Follow it at ${app.url}/tickets/${key}\n`);
  });

  it('in a terminal, shows what the person types', async () => {
    const user = await createUserWithPassword(app.database.db, { email: `terminal-tty-${Date.now()}@example.test` });
    const typed = 'my second monitor flickers when the laptop is docked';
    const output = await chatInTerminal(app.url, user.email, typed);
    // Readline owns the keys in a terminal (raw mode: the terminal itself echoes nothing), so the
    // text appears only if the script echoes it, right after its prompt.
    const screen = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g'), ''); // cursor moves, clears
    expect(screen, JSON.stringify(output)).toContain(`> ${typed}`);
  });

  it('says plainly when sign-in fails', async () => {
    const { code, output } = await chat(app.url, 'nobody@example.test', []);
    expect(code).toBe(1);
    expect(output).toContain('Email or password is incorrect');
  });
});
