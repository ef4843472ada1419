/**
 * `deskmate admin create --email … [--name …]`: the password is asked for on a terminal (not
 * echoed, typed twice), or read as one line from standard input, so scripts and compose can pipe
 * it in. Every refusal is one line and exit code 1.
 */
import { ConfigError, StartupError, createAdminFromCli, loadConfig, passwordProblem } from '@deskmate/api';

interface Options {
  email: string | undefined;
  name: string | undefined;
  fail(message: string): never;
}

export async function adminCreate(options: Options): Promise<void> {
  const { name, fail } = options;
  const email = options.email || fail('admin create needs --email, e.g. deskmate admin create --email you@example.com');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)
    fail(`--email must be an email address (got ${JSON.stringify(email)})`);
  const displayName = name?.trim() || email.split('@')[0]!;
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const password =
    (process.stdin.isTTY ? await promptTwice() : await firstLine(process.stdin)) ||
    fail('No password given: type one at the prompt, or pipe it as one line on standard input');
  const problem = passwordProblem(password, { email, name: displayName });
  if (problem) fail(`The password ${problem}`);
  try {
    const admin = await createAdminFromCli(config, { email, name: displayName, password });
    const url = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
    process.stdout.write(`Administrator ${admin.email} created. Sign in at ${url}/login\n`);
  } catch (err) {
    if (err instanceof StartupError) fail(err.message);
    throw err;
  }
}

/** One line of standard input (a password piped in), without its line ending. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

async function promptTwice(): Promise<string> {
  const first = await promptHidden('Password for the new administrator: ');
  const second = await promptHidden('Type it again: ');
  if (first !== second) {
    process.stderr.write('The two passwords differ; nothing was created.\n');
    process.exit(1);
  }
  return first;
}

/** Ask on the terminal without echoing what is typed. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
