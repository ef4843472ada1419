import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { htmlToText, newMessageText, replyText, stripReplyText } from './strip.js';
import { fixture } from './test-support.js';

const vars = {
  REPLY_TO: 'support+it-1001.paaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbb@desk.test',
  KEY: 'IT-1001',
  TITLE: 'VPN drops every hour',
  ROOT: 'IT-1001@desk.test',
  IN_REPLY_TO: 'IT-1001.0c6d1e2b@desk.test',
  ORIGINAL: 'CAJx7Gk1nW@mail.gmail.com',
  UNIQUE: 'u1',
};

async function reply(name: string): Promise<string> {
  const mail = await simpleParser(await fixture(name, vars));
  return replyText(mail, mail.from?.value[0]?.name);
}

describe('the new part of a reply, per mail client', () => {
  it.each([
    ['gmail-html.eml', "Thanks, restarting the VPN client fixed it.\nI'll let you know if it drops again."],
    ['gmail-plain.eml', 'It still drops every hour, even after the restart. It happened at 10:40 and\nagain at 11:40.'],
    [
      'outlook-html.eml',
      'Hi,\n\nThe VPN still drops. Screenshot of the error attached – it says "Connection lost (809)".',
    ],
    ['outlook-plain.eml', 'Hi,\n\nThe VPN has been stable since this morning. You can close the ticket.'],
    ['apple-html.eml', 'Hello,\n\nI can reproduce it on the office Wi-Fi only, not at home.'],
    ['apple-plain.eml', 'Yes – after the update it connects fine.'],
    ['thunderbird-html.eml', 'Here is the VPN log from this morning (attached).\n\nThe drop is at 09:58:12.'],
    [
      'thunderbird-plain.eml',
      'Restarted it twice; it still drops after about an hour. Logs are in C:\\ProgramData\\VPN\\logs if you need them.',
    ],
  ])('%s: quotes, "On … wrote:" and the signature are gone', async (name, expected) => {
    expect(await reply(name)).toBe(expected);
  });

  it('an HTML-only mail (Outlook) is read as text, without its markup or entities', async () => {
    const raw = (await fixture('outlook-html.eml', vars)).toString();
    expect(raw).not.toContain('Content-Type: text/plain');
    expect(await reply('outlook-html.eml')).not.toMatch(/[<>]|&quot;|&#/);
  });

  it('a new message keeps its text but not its signature', async () => {
    const mail = await simpleParser(await fixture('new-ticket.eml', vars));
    expect(newMessageText(mail)).toBe(
      'Hi IT,\n\nThe printer next to the kitchen on the 3rd floor jams on every job since this morning. Bob sees the same.',
    );
  });
});

describe('the text pass', () => {
  it('keeps a bottom-posted reply and drops the quote above it', () => {
    expect(stripReplyText('On Mon, 1 Jan 2026 at 10:00, IT <it@x.test> wrote:\n> old\n> text\n\nNew text.')).toBe(
      'New text.',
    );
  });

  it('keeps interleaved answers between quotes', () => {
    expect(stripReplyText('> Did you restart?\nYes.\n> Which version?\n5.2')).toBe('Yes.\n5.2');
  });

  it('cuts at a forwarded header block in other languages too', () => {
    expect(stripReplyText('Merci !\n\nDe : IT <it@x.test>\nEnvoyé : lundi\nÀ : moi\nObjet : test')).toBe('Merci !');
  });

  it('does not take a sentence that starts like a closing for a signature', () => {
    expect(stripReplyText('It works.\n\nThanks, that was quick. See you.')).toBe(
      'It works.\n\nThanks, that was quick. See you.',
    );
    expect(stripReplyText('Thanks,\nAlice')).toBe('Thanks,\nAlice');
  });

  it('drops mobile sign-offs', () => {
    expect(stripReplyText('On it.\n\nGet Outlook for iOS')).toBe('On it.');
  });
});

describe('HTML to text', () => {
  it('turns blocks into lines, lists into items and decodes entities', () => {
    const html =
      '<p>One &amp; two</p><ul><li>a</li><li>b&nbsp;c</li></ul><div>x<br>y</div><style>p{}</style><script>alert(1)</script>';
    expect(htmlToText(html, { dropQuotes: true, dropSignatures: true })).toBe('One & two\n\n- a\n- b c\nx\ny');
  });

  it('leaves out nested quote containers entirely', () => {
    const html =
      '<div>Top</div><blockquote type="cite"><div>q1<blockquote type="cite">q2</blockquote>q3</div></blockquote><div>Bottom</div>';
    expect(htmlToText(html, { dropQuotes: true, dropSignatures: true })).toBe('Top\nBottom');
  });
});
