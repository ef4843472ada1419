/**
 * `npm run chat`: the intake wizard in a terminal, against a running Deskmate, through the same
 * chat API as the Slack and Teams bots. Type answers; numbers pick choices; "back", "cancel" and
 * "start over" work at every step.
 *
 *   npm run chat -- [--url http://127.0.0.1:3000] [--email alice@deskmate.local] [--password deskmate-demo]
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ApiClient, ApiError, ticketUrl, type TChatSession, type TUser, type wizard } from '@deskmate/shared';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.DESKMATE_URL ?? 'http://127.0.0.1:3000' },
    email: { type: 'string', default: process.env.DESKMATE_EMAIL ?? 'alice@deskmate.local' },
    password: { type: 'string', default: process.env.DESKMATE_PASSWORD ?? 'deskmate-demo' },
  },
});

const out = (line = '') => process.stdout.write(`${line}\n`);

/** Sign in by password: a plain fetch, since the session token comes back only as a cookie. */
async function signIn(): Promise<{ token: string; role: TUser['role'] | undefined }> {
  const res = await fetch(new URL('/api/auth/login', values.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: values.email, password: values.password }),
  });
  const body = (await res.json()) as {
    user?: Partial<TUser>;
    twoFactorRequired?: boolean;
    error?: { message: string };
  };
  if (!res.ok) throw new Error(body.error?.message ?? `sign-in failed (${res.status})`);
  if (body.twoFactorRequired)
    throw new Error('This account uses two-factor sign-in; use the web portal, or a demo requester account');
  const token = /deskmate_session=([^;]+)/.exec(res.headers.getSetCookie().join(';'))?.[1];
  if (!token) throw new Error('sign-in returned no session');
  return { token, role: body.user?.role };
}

/** Plain-text rendering of a wizard prompt: text, articles, numbered choices, a summary. */
function render(prompt: wizard.TWizardPrompt): void {
  out();
  if (prompt.notice) out(`(${prompt.notice})`);
  if (prompt.error) out(`! ${prompt.error}`);
  out(`[${prompt.progress.current}/${prompt.progress.total}] ${prompt.text}`);
  for (const [i, a] of (prompt.articles ?? []).entries())
    out(`   📄 ${i + 1}. ${a.title} — ${a.snippet.slice(0, 160)}`);
  const s = prompt.summary;
  if (s) {
    out(`   Title:       ${s.title}`);
    out(`   Description: ${s.description}${s.descriptionTruncated ? ' (cut)' : ''}`);
    if (s.details) out(`   Details:     ${s.details}`);
    out(`   Category:    ${s.category.label}`);
    out(`   Impact:      ${s.impact.label}, ${s.urgency.label}`);
    out(`   Priority:    ${s.priority.label}`);
  }
  for (const group of prompt.groups ?? []) {
    out(`   ${group.label}:${group.selected ? ` (${group.selected})` : ''}`);
    for (const c of group.choices) out(`     - ${c.label}`);
  }
  if (prompt.groups?.length) {
    out('   (answer both, e.g. "just me, I can\'t work")');
  }
  for (const [i, c] of (prompt.choices ?? []).entries()) out(`   ${i + 1}) ${c.label}`);
  if (prompt.input) out(`   (${prompt.input.optional ? 'optional, ' : ''}type your answer)`);
}

function inputFor(line: string, prompt: wizard.TWizardPrompt): wizard.TWizardInput {
  const n = /^\s*(\d+)\s*$/.exec(line);
  const choice = n ? prompt.choices?.[Number(n[1]) - 1] : undefined;
  if (choice) return { type: 'choice', value: choice.value, step: prompt.step };
  return { type: 'text', text: line };
}

async function main(): Promise<void> {
  const { token, role } = await signIn();
  const client = new ApiClient({ baseUrl: values.url, token });
  let { session } = await client.api.chat.start({ body: { channel: 'terminal' } });
  out(`Signed in to ${values.url} as ${values.email}.`);
  render(session.prompt);
  // In a terminal readline takes the keys itself (raw mode) and echoes them to `output`: without
  // an output nothing the person typed was shown. Piped input is echoed after the prompt instead,
  // so that a transcript reads as a conversation.
  const tty = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
  rl.setPrompt('> ');
  rl.prompt();
  for await (const line of rl) {
    if (!tty) out(line);
    if (!line.trim()) {
      rl.prompt();
      continue;
    }
    try {
      ({ session } = await client.api.chat.input({
        params: { id: session.id },
        body: { input: inputFor(line, session.prompt), version: session.version },
      }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'conflict')
        session = (err.details as { session: TChatSession }).session;
      else throw err;
    }
    render(session.prompt);
    if (session.finished) {
      // The person who filed it follows it where they work: the portal, or the console for agents.
      const agent = role === 'agent' || role === 'admin';
      if (session.ticketKey)
        out(`\nTicket ${session.ticketKey} is open. Follow it at ${ticketUrl(values.url, session.ticketKey, agent)}`);
      rl.close();
      return;
    }
    rl.prompt();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
