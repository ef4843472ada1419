/**
 * `npm run eval:email:automatic [-- <corpus folder>] [--verbose]`: how many mails that must never
 * act (auto-replies, bounces, list and bulk mail, receipts) are recognised as automatic, before
 * (the classifier as it was, a frozen copy in legacy-classify.ts) and now; and for permanent
 * bounces, whether the failing recipient is read and the failure judged permanent (a temporary
 * one must not be).
 *
 * A corpus is a folder of `*.eml` files and an `expected.json` mapping each file name to
 * `{ "class": "auto_reply|bounce|soft_bounce|bulk|list|receipt", "failedRecipient"?: "…" }`.
 * Default folder: `api/src/email/fixtures/blind/automatic`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { emailIdentity } from '../../api/src/email/addresses.js';
import { readBounce } from '../../api/src/email/bounce-report.js';
import { detectNoise } from '../../api/src/email/classify.js';
import { detectNoise as legacyDetectNoise } from './legacy-classify.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const folder = resolve(args.find((a) => !a.startsWith('--')) ?? 'api/src/email/fixtures/blind/automatic');
const expected = JSON.parse(await readFile(join(folder, 'expected.json'), 'utf8')) as Record<
  string,
  { class: string; failedRecipient?: string }
>;
const identity = emailIdentity({ MAIL_FROM: 'Deskmate <support@help.example.com>', EMAIL_REPLY_ADDRESS: undefined });
const out = (line = '') => process.stdout.write(`${line}\n`);

type Row = { before: number; now: number; n: number; recipient: number; bounces: number; permanence: number };
const rows = new Map<string, Row>();
const misses: string[] = [];
for (const file of (await readdir(folder)).filter((f) => f.endsWith('.eml')).sort()) {
  const want = expected[file];
  if (!want) throw new Error(`${file} has no entry in expected.json`);
  const mail = await simpleParser(await readFile(join(folder, file)));
  const row = rows.get(want.class) ?? { before: 0, now: 0, n: 0, recipient: 0, bounces: 0, permanence: 0 };
  row.n++;
  const old = legacyDetectNoise(mail, identity);
  const noise = detectNoise(mail, identity);
  if (old) row.before++;
  if (noise) row.now++;
  else misses.push(`${file} (${want.class}): not recognised`);
  if (verbose) out(`${noise ? '✓' : '✗'} ${file}: ${noise ? `${noise.kind} — ${noise.evidence}` : 'would act'}`);
  if (want.class === 'bounce' || want.class === 'soft_bounce') {
    row.bounces++;
    const report = readBounce(mail);
    const permanentOk = want.class === 'bounce' ? report.permanent === true : report.permanent !== true;
    if (permanentOk) row.permanence++;
    else misses.push(`${file}: permanent=${String(report.permanent)}`);
    if (want.failedRecipient) {
      const found = report.recipients.some((r) => r.address.toLowerCase() === want.failedRecipient!.toLowerCase());
      if (found) row.recipient++;
      else
        misses.push(
          `${file}: failed recipient ${want.failedRecipient} not read (${report.recipients.map((r) => r.address).join(', ') || 'none'})`,
        );
    }
  }
  rows.set(want.class, row);
}

out(`corpus: ${folder}`);
out('class          mails  recognised before  recognised now  bounce: recipient read  permanence right');
let total: Row = { before: 0, now: 0, n: 0, recipient: 0, bounces: 0, permanence: 0 };
for (const [cls, r] of [...rows].sort()) {
  out(
    `${cls.padEnd(14)} ${String(r.n).padStart(5)}  ${String(r.before).padStart(17)}  ${String(r.now).padStart(14)}  ${r.bounces ? String(r.recipient).padStart(22) : '—'.padStart(22)}  ${r.bounces ? String(r.permanence).padStart(16) : '—'.padStart(16)}`,
  );
  total = {
    before: total.before + r.before,
    now: total.now + r.now,
    n: total.n + r.n,
    recipient: total.recipient + r.recipient,
    bounces: total.bounces + r.bounces,
    permanence: total.permanence + r.permanence,
  };
}
out(
  `${'all'.padEnd(14)} ${String(total.n).padStart(5)}  ${String(total.before).padStart(17)}  ${String(total.now).padStart(14)}`,
);
for (const m of misses) out(`  miss: ${m}`);
