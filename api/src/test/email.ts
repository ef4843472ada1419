import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** Test helpers for email: a real SMTP server that keeps what it receives, fixtures, dovecot. */

// The email tests wait for mail with the one poll helper of the tests, imported from here.
export { until } from './until.js';

export interface CapturedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
  /** A header as written (first occurrence), unfolded. */
  header(name: string): string | null;
}

export interface SmtpCapture {
  url: string;
  mails: CapturedMail[];
  /** Mail to one address, in the order received. */
  to(address: string): CapturedMail[];
  /** Make the next `n` messages fail with this SMTP answer. */
  failNext(n: number, code: number, message: string): void;
  /**
   * From now on, hold the answer to each message's data (a relay slow to accept): the sender
   * waits, and the message is not accepted yet.
   */
  hold(): void;
  /** How many messages wait for their answer, and how many of those lost their client meanwhile. */
  held(): { waiting: number; hungUp: number };
  /**
   * Answer the held messages and stop holding. One whose client hung up before its answer was
   * never accepted (the sender could not know it arrived): it is dropped, not kept.
   */
  release(): { accepted: number; dropped: number };
  /** The most client connections that were open at once. */
  mostConnections(): number;
  close(): Promise<void>;
}

/** smtp-server on 127.0.0.1 and a random port, in-process: the relay our sender talks to. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  let failures = 0;
  let failure = { code: 451, message: 'try later' };
  let holding = false;
  const held: { session: SMTPServerSession; answer: () => void; drop: () => void }[] = [];
  const hungUp = new Set<string>();
  let open = 0;
  let most = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      most = Math.max(most, ++open);
      callback();
    },
    onClose(session) {
      open--;
      hungUp.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures--;
          const err = Object.assign(new Error(failure.message), { responseCode: failure.code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const answer = () =>
          void simpleParser(raw).then((parsed) => {
            const headerBlock = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
            mails.push({
              envelope,
              raw,
              parsed,
              header: (name) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(headerBlock)?.[1]?.trim() ?? null,
            });
            callback();
          }, callback);
        if (holding) held.push({ session, answer, drop: () => callback(new Error('the client hung up')) });
        else answer();
      });
    },
  });
  // A client killed mid-conversation resets its connection (ECONNRESET): a relay shrugs that off
  // (onClose records the hang-up); without a listener the error would be thrown in the test.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    mails,
    to: (address) => mails.filter((m) => m.envelope.to.includes(address)),
    failNext(n, code, message) {
      failures = n;
      failure = { code, message };
    },
    hold() {
      holding = true;
    },
    held: () => ({ waiting: held.length, hungUp: held.filter((h) => hungUp.has(h.session.id)).length }),
    release() {
      holding = false;
      const result = { accepted: 0, dropped: 0 };
      for (const h of held.splice(0)) {
        if (hungUp.has(h.session.id)) {
          result.dropped++;
          h.drop();
        } else {
          result.accepted++;
          h.answer();
        }
      }
      return result;
    },
    mostConnections: () => most,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fixtures = new URL('../email/fixtures/', import.meta.url);

/** A raw MIME fixture with its `{{PLACEHOLDERS}}` filled in, with CRLF line ends as on the wire. */
export async function fixture(name: string, vars: Record<string, string>): Promise<Buffer> {
  let text = await readFile(new URL(name, fixtures), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, v);
  const left = /\{\{[A-Z_]+\}\}/.exec(text);
  if (left) throw new Error(`fixture ${name}: no value for ${left[0]}`);
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const DOVECOT = '/usr/sbin/dovecot';
export const hasDovecot = existsSync(DOVECOT);

export interface Dovecot {
  url: string;
  user: string;
  password: string;
  port: number;
  stop(): Promise<void>;
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error(`no system user ${name} (is dovecot installed?)`);
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A real IMAP server for one test file: Debian's dovecot with a generated configuration in a
 * temporary directory (Maildir, one passwd-file user, plaintext login on 127.0.0.1, a random port).
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-dovecot-'));
  const port = await freePort();
  const me = userInfo();
  const user = 'desk';
  const password = 'desk-imap-password';
  await mkdir(join(dir, 'run'), { recursive: true });
  await mkdir(join(dir, 'home', user), { recursive: true });
  // As root, dovecot runs its login and internal processes as its own users (made by the package);
  // as anyone else, everything runs as that user.
  const root = me.uid === 0;
  const loginUser = root ? 'dovenull' : me.username;
  const internalUser = root ? 'dovecot' : me.username;
  // Mail is stored as the user running the test, or as dovecot's own user under root (which
  // dovecot refuses for mail).
  const owner = root ? await systemUser('dovecot') : { uid: me.uid, gid: me.gid };
  if (root) {
    await chmod(dir, 0o755);
    await chown(join(dir, 'home', user), owner.uid, owner.gid);
  }
  await writeFile(
    join(dir, 'passwd'),
    `${user}:{PLAIN}${password}:${owner.uid}:${owner.gid}::${join(dir, 'home', user)}::\n`,
  );
  const config = `
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
instance_name = dm-dovecot-${port}
log_path = ${join(dir, 'dovecot.log')}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 0
default_internal_user = ${internalUser}
default_login_user = ${loginUser}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(dir, 'passwd')}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${join(dir, 'passwd')}
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`;
  await mkdir(join(dir, 'state'), { recursive: true });
  await writeFile(join(dir, 'dovecot.conf'), config);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when the port answers with a greeting.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited: ${output}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      const done = (answer: boolean) => {
        socket.destroy();
        resolve(answer);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('data', (d) => done(d.toString().startsWith('* OK')));
      socket.once('error', () => done(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`dovecot did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `imap://${user}:${password}@127.0.0.1:${port}`,
    user,
    password,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * DNS for sender-authentication tests: answers TXT lookups from a table the test fills (a DKIM
 * key, an SPF or DMARC record) and says ENOTFOUND for anything else, so no test asks real DNS.
 */
export interface DnsTable {
  resolver: (name: string, type: string) => Promise<string[][]>;
  txt(name: string, value: string): void;
  /** Every lookup made, as `name TYPE`. */
  asked: string[];
}

export function dnsTable(): DnsTable {
  const records = new Map<string, string[][]>();
  const asked: string[] = [];
  return {
    asked,
    txt(name, value) {
      const key = `${name.toLowerCase()} TXT`;
      // Long records are split into 255-character strings, as DNS stores them.
      records.set(key, [...(records.get(key) ?? []), value.match(/.{1,255}/g) ?? ['']]);
    },
    async resolver(name, type) {
      const key = `${name.toLowerCase()} ${type.toUpperCase()}`;
      asked.push(key);
      const found = records.get(key);
      if (found) return found;
      throw Object.assign(new Error(`query${type} ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
  };
}

/** A signing domain: an RSA key pair made for the test, its public key published in `dns`. */
export function dkimDomain(dns: DnsTable, domain: string, selector = 'sel1'): { sign(raw: Buffer): Promise<Buffer> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  dns.txt(`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${der}`);
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    async sign(raw) {
      const { dkimSign } = await import('mailauth/lib/dkim/sign.js');
      const signed = await dkimSign(raw, {
        canonicalization: 'relaxed/relaxed',
        signatureData: [{ signingDomain: domain, selector, privateKey: pem }],
      });
      if (!signed.signatures.trim()) throw new Error(`could not sign for ${domain}: ${JSON.stringify(signed.errors)}`);
      return Buffer.concat([Buffer.from(signed.signatures), raw]);
    },
  };
}
