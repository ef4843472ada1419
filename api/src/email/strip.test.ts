import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { decodeFlowed, plainTextPart } from './flowed.js';
import { htmlToText, newMessageText, replyText, stripReplyText } from './strip.js';
import { fixture } from '../test/email.js';

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
  return replyText(mail);
}

describe('the new part of a reply, per mail client', () => {
  it.each([
    ['gmail-html.eml', "Thanks, restarting the VPN client fixed it.\nI'll let you know if it drops again."],
    ['gmail-plain.eml', 'It still drops every hour, even after the restart. It happened at 10:40 and\nagain at 11:40.'],
    [
      'outlook-html.eml',
      'Hi,\n\nThe VPN still drops. Screenshot of the error attached – it says "Connection lost (809)".',
    ],
    [
      'outlook-plain.eml',
      'Hi,\n\nThe VPN has been stable since this morning. You can close the ticket.\n\nBest regards,\nAlice Example\nFinance | Example Ltd\n+44 20 7946 0000',
    ],
    ['apple-html.eml', 'Hello,\n\nI can reproduce it on the office Wi-Fi only, not at home.\n\nBob'],
    ['apple-plain.eml', 'Yes – after the update it connects fine.'],
    ['thunderbird-html.eml', 'Here is the VPN log from this morning (attached).\n\nThe drop is at 09:58:12.'],
    [
      'thunderbird-plain.eml',
      'Restarted it twice; it still drops after about an hour. Logs are in C:\\ProgramData\\VPN\\logs if you need them.',
    ],
  ])(
    '%s: quotes, "On … wrote:" and the "-- " signature are gone, the closing the person typed stays',
    async (name, expected) => {
      expect(await reply(name)).toBe(expected);
    },
  );

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

describe('the closing and name the person typed stay; what the mail client added goes', () => {
  it.each([
    'Thanks,\nMarta',
    'Best,\nMartin',
    'Kind regards,\nOlivia Grant\nFinance',
    'Viele Grüße\nJonas',
    'Cordiali saluti\nMarco Bellini',
    '¡Muchas gracias!\nAlejandro',
    'Nina',
  ])('keeps %j below the text', (closing) => {
    expect(
      stripReplyText(`Works now.\n\n${closing}\n\nOn Mon, 23 Nov 2026 at 10:15, IT <it@x.test> wrote:\n> Fixed?`),
    ).toBe(`Works now.\n\n${closing}`);
  });

  it('keeps them in an HTML reply too', () => {
    const html =
      '<div>Works now.</div><div><br></div><div>Best,</div><div>Martin</div><blockquote type="cite"><div>On 23 Nov 2026, at 10:15, IT &lt;it@x.test&gt; wrote:</div><div>Fixed?</div></blockquote>';
    expect(replyText({ html })).toBe('Works now.\n\nBest,\nMartin');
  });

  it.each([
    'Sent from my iPhone',
    'Von meinem iPhone gesendet',
    'Get Outlook for iOS',
    'Sent from Yahoo Mail for Android',
    'Enviado desde mi iPhone',
    'Envoyé de mon iPhone',
    'Inviato da iPhone',
    'Verzonden vanaf mijn iPhone',
    'Enviado do meu iPhone',
    'Sent from my Galaxy',
    'Sent from Mail for Windows',
    'Sent from Mail <https://go.microsoft.com/fwlink/?LinkId=550986> for Windows',
    'Sent with Proton Mail secure email.',
    'Enviado desde Yahoo Mail para Android',
  ])('drops %j below the closing', (line) => {
    expect(stripReplyText(`Works now.\n\nThanks,\nNina\n\n${line}`)).toBe('Works now.\n\nThanks,\nNina');
  });

  it('drops the signature after "-- " but keeps the closing above it', () => {
    expect(stripReplyText('Here it is.\n\nRegards,\nRavi\n\n-- \nRavi Shah, Build & Release\n+44 20 7946 0000')).toBe(
      'Here it is.\n\nRegards,\nRavi',
    );
  });

  it("drops Proton Mail's signature block in HTML", () => {
    const html =
      '<div>Works now.</div><div>Claire</div><div class="protonmail_signature_block"><div class="protonmail_signature_block-user">Claire Dubois | Finance</div><div class="protonmail_signature_block-proton">Sent with <a href="https://proton.me/">Proton Mail</a> secure email.</div></div>';
    expect(replyText({ html })).toBe('Works now.\nClaire');
  });
});

describe('a message forwarded or pasted below the text is cut, the text above it kept', () => {
  const above = 'See below.\n\nThanks,\nNina';
  const headers = 'From: Vendor <v@x.test>\nDate: Mon, 30 Nov 2026 at 10:00\nSubject: Licence\nTo: <nina@x.test>';

  it.each([
    '---------- Forwarded message ---------',
    '---------- Weitergeleitete Nachricht ---------',
    '---------- Message transféré ---------',
    '---------- Mensaje reenviado ---------',
    '---------- Messaggio inoltrato ---------',
    '---------- Doorgestuurd bericht ---------',
    '---------- Mensagem encaminhada ---------',
    '-------- Forwarded Message --------',
    'Begin forwarded message:',
    'Anfang der weitergeleiteten Nachricht:',
    'Début du message réexpédié :',
    'Inicio del mensaje reenviado:',
    'Inizio messaggio inoltrato:',
    'Begin doorgestuurd bericht:',
    'Início da mensagem reencaminhada:',
    '-----Original Message-----',
    '-----Ursprüngliche Nachricht-----',
    "-----Message d'origine-----",
    '-----Mensaje original-----',
    '-----Messaggio originale-----',
    '-----Oorspronkelijk bericht-----',
    '-----Mensagem original-----',
  ])('at %j', (marker) => {
    expect(stripReplyText(`${above}\n\n${marker}\n${headers}\n\nYour licence ends on 15 December.`)).toBe(above);
  });

  it('at a header block without a marker line (Outlook: From:/Sent:/To:/Subject:)', () => {
    const block =
      'From: Vendor <v@x.test>\nSent: Monday, November 30, 2026 10:00 AM\nTo: Nina <nina@x.test>\nSubject: Licence';
    expect(stripReplyText(`${above}\n\n${block}\n\nYour licence ends on 15 December.`)).toBe(above);
  });

  it('at two header lines when the "From:" line names an address', () => {
    expect(
      stripReplyText(`${above}\n\nFrom: Vendor <v@x.test>\nDate: Mon, 30 Nov 2026 10:00\n\nYour licence ends.`),
    ).toBe(above);
  });

  it("at Gmail's HTML forward, whose message is outside any quote container", () => {
    const html = `<div dir="ltr"><div>See below.</div><div><br></div><div>Thanks,</div><div>Nina</div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_sendername" dir="auto">Vendor</strong> <span dir="auto">&lt;<a href="mailto:v@x.test">v@x.test</a>&gt;</span><br>Date: Mon, 30 Nov 2026 at 10:00<br>Subject: Licence<br>To: &lt;nina@x.test&gt;<br></div><br><br><div dir="ltr">Your licence ends on 15 December.</div></div></div>`;
    expect(replyText({ html })).toBe(above);
  });

  it.each([
    [
      'a sentence that starts with "From:"',
      'Works now.\nFrom: Monday on I sit in room 4.12, please send the laptop there.\nThanks,\nNina',
    ],
    [
      '"From:" and "To:" without an address (dates in a list)',
      'Name: Lena Vogt\nFrom: 7 December 2026\nTo: 31 March 2027\nRoom: 4.12',
    ],
    ['a "From:" line with an address followed by prose', 'From: anna@x.test I got the file.\nThe printer is fine.'],
  ])('but not at %s', (_, input) => {
    expect(stripReplyText(input)).toBe(input);
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

const corpus = new URL('./fixtures/replies/', import.meta.url);
async function corpusReply(name: string) {
  const raw = Buffer.from((await readFile(new URL(name, corpus), 'latin1')).replace(/\r?\n/g, '\r\n'), 'latin1');
  const mail = await simpleParser(raw);
  return { raw, mail, text: replyText(mail, raw) };
}

describe('format=flowed (RFC 3676)', () => {
  it('a quoted line that ends in a soft break is not joined with the answer below it', async () => {
    const { mail, text } = await corpusReply('thunderbird-flowed-inline.eml');
    // mailparser joins across quote depths, which put the answer inside the quote:
    expect(mail.text).toContain('second power adapter, and I do, one for home.');
    expect(text).toBe('I do, one for home.\nTwo DisplayPort cables.');
  });

  it('joins soft-broken lines of one depth, never across depths, and undoes space-stuffing', () => {
    expect(decodeFlowed('One \ntwo \nthree.\n> quoted \nanswer\n>> deeper \n> back\n From here')).toBe(
      'One two three.\n> quoted\nanswer\n>> deeper\n> back\nFrom here',
    );
  });

  it('keeps the "-- " signature separator as its own line, and removes the soft space with delsp=yes', () => {
    expect(decodeFlowed('Text \nmore.\n-- \nAlice')).toBe('Text more.\n-- \nAlice');
    expect(decodeFlowed('Zusammen \ngeschrieben \nwird \nes.', true)).toBe('Zusammengeschriebenwirdes.');
  });

  it('is used only when the text part is flowed and is the text mailparser read', async () => {
    const plain = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nHello \r\n> world\r\n');
    expect(plainTextPart(plain, 'Hello \n> world')).toEqual({ flowed: null });
    const flowed = Buffer.from('Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\nHello \r\n> world\r\n');
    expect(plainTextPart(flowed, 'Hello > world')).toEqual({ flowed: 'Hello\n> world' });
    expect(plainTextPart(flowed, 'Something else')).toEqual({ flowed: null });
    const htmlOnly = Buffer.from('Content-Type: text/html\r\n\r\n<p>Hi</p>\r\n');
    expect(plainTextPart(htmlOnly, 'Hi')).toBeNull();
  });
});

describe('replies people write (specific cases)', () => {
  it('an HTML-only Outlook reply: the text above divRplyFwdMsg, as lines, without markup', async () => {
    const { raw, text } = await corpusReply('outlook-web-html-only.eml');
    expect(raw.toString()).not.toMatch(/text\/plain/i);
    expect(text).toBe(
      'I can open the site now, thanks.\n\nOne more thing: the "Policies" library still says I have no access.',
    );
  });

  it('an Outlook reply with a German Von:/Gesendet:/An:/Betreff: block, from its HTML and from its text part', async () => {
    const { mail, text } = await corpusReply('lang-de-outlook-von-gesendet.eml');
    const expected =
      'Hallo Sam,\n\nder Drucker druckt wieder, aber nur schwarz-weiß. Farbe geht weiterhin nicht.\n\nViele Grüße\nJonas';
    expect(text).toBe(expected);
    expect(stripReplyText(mail.text!)).toBe(expected);
  });

  it('a reply above a "-- " signature keeps the reply and drops the signature and the quote', () => {
    expect(
      stripReplyText(
        'Works now.\n\n-- \nAlice Example\nFinance\n\nOn Mon, 23 Nov 2026 at 10:15, IT <it@x.test> wrote:\n> Try again?',
      ),
    ).toBe('Works now.');
  });

  it('never empty: an answer written into the quoted message is kept, without the header block', () => {
    const outlook =
      '-----Original Message-----\nFrom: IT <it@x.test>\nSent: Monday, November 23, 2026 10:15\nTo: Kim <kim@x.test>\nSubject: VPN\n\nWhich version?\n[Kim] 5.2.1';
    expect(replyText({ text: outlook })).toBe('Which version?\n[Kim] 5.2.1');
  });

  it('never empty: an HTML-only Outlook reply written inline below the reply header keeps the text', async () => {
    const { text } = await corpusReply('never-empty-outlook-inline.eml');
    expect(text).toBe(
      'Which laptop model should Mia get?\n\nThe 14-inch one, like the rest of the team.\n\nDoes she need VPN access?\n\nYes, from day one.',
    );
  });

  it('but a mail that is only a sign-off and a quote is empty: nothing was written', () => {
    expect(replyText({ text: 'Sent from my iPhone\n\n> On 23 Nov 2026, at 10:15, IT <it@x.test> wrote:\n> Hi' })).toBe(
      '',
    );
  });
});

describe('the text pass, in other shapes and languages', () => {
  it.each([
    ['a bare "X wrote:" followed by quotes', 'Works now.\n\nSam wrote:\n> did it work?', 'Works now.'],
    ['a bare "X schrieb:" followed by quotes', 'Geht.\n\nIT Support schrieb:\n> Geht es?', 'Geht.'],
    [
      'a line starting like an attribution just above one',
      'On it.\nOn Mon, 23 Nov 2026 at 10:15, IT <it@x.test> wrote:\n> q',
      'On it.',
    ],
    [
      'a forwarded message below the answer',
      'Yes.\n\n---------- Forwarded message ---------\nFrom: Vendor <v@x.test>\nDate: Mon\nSubject: s\nTo: me\n\nold',
      'Yes.',
    ],
    [
      'a German header block with Cc',
      'Erledigt.\n\nVon: IT <it@x.test>\nGesendet: Montag, 23. November 2026 10:15\nAn: Alice <a@x.test>\nCc: Bob <b@x.test>\nBetreff: AW: Test\n\nalt',
      'Erledigt.',
    ],
    [
      'a Spanish header block with "Enviado el:"',
      'Listo.\n\nDe: IT <it@x.test>\nEnviado el: lunes, 23 de noviembre de 2026 10:15\nPara: Alice <a@x.test>\nAsunto: RE: test\n\nviejo',
      'Listo.',
    ],
    [
      'an Italian Samsung sign-off and original-message block',
      'Fatto.\n\nInviato dal mio smartphone Samsung Galaxy.\n\n-------- Messaggio originale --------\nDa: IT <it@x.test>\nData: 23/11/26 10:15\nA: alice@x.test\nOggetto: test\n\nvecchio',
      'Fatto.',
    ],
    [
      'a Dutch iPhone reply',
      'Klopt.\n\nVerstuurd vanaf mijn iPhone\n\n> Op 23 nov. 2026 om 10:15 heeft IT <it@x.test> het volgende geschreven:\n>\n> oud',
      'Klopt.',
    ],
    [
      'a Portuguese attribution wrapped before "escreveu:"',
      'Sim.\n\nEm seg., 23 de nov. de 2026 às 10:15, IT <it@x.test>\nescreveu:\n\n> velho',
      'Sim.',
    ],
    [
      "Gmail for Android's German attribution, name first and wrapped",
      'Passt.\n\nIT <it@x.test> schrieb am Mo., 30. Nov.\n2026, 15:40:\n\n> Headset liegt am Empfang.',
      'Passt.',
    ],
    [
      'a short answer just above a "Name <address> wrote:" line',
      'Thanks\nIT Support <it@x.test> wrote:\n> Fixed?',
      'Thanks',
    ],
    [
      'a Yahoo text quote that is indented, not marked',
      'Done.\n    On Monday, November 23, 2026, 10:15:00 AM GMT, IT <it@x.test> wrote:\n\n Old text.',
      'Done.',
    ],
  ])('%s', (_, input, expected) => {
    expect(stripReplyText(input)).toBe(expected);
  });

  it.each([
    ['"From:" and "Sent:" in sentences', 'From: tomorrow on I am on leave.\nSent: the logs yesterday.'],
    [
      '"schrieb …:" in a sentence without an address',
      'Am 3. Mai schrieb ich dem Support: keine Antwort.\nBitte prüfen.',
    ],
  ])('does not take %s for the message replied to', (_, input) => {
    expect(stripReplyText(input)).toBe(input);
  });
});

describe('HTML replies', () => {
  it('keeps answers written between Gmail quotes', () => {
    const html =
      '<div class="gmail_quote"><div class="gmail_attr">On Mon, 23 Nov 2026, IT &lt;it@x.test&gt; wrote:</div><blockquote class="gmail_quote">Restarted?</blockquote><div>Yes.</div><blockquote class="gmail_quote">Version?</blockquote><div>5.2</div></div>';
    expect(replyText({ html })).toBe('Yes.\n5.2');
  });

  it("keeps Gmail's indented text (a borderless blockquote), links with their address, and numbered lists", () => {
    const html =
      '<div>See <a href="https://wiki.x.test/vpn">the guide</a> and https://x.test:</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px">indented</blockquote><ol><li><div>one</div></li><li>two</li></ol>';
    expect(replyText({ html })).toBe(
      'See the guide <https://wiki.x.test/vpn> and https://x.test:\nindented\n1. one\n2. two',
    );
  });

  it('stops at the Outlook header rule of Outlook for Mac', () => {
    const html =
      '<div>Answer</div><div style="border-top: 1pt solid rgb(181, 196, 223); padding: 3pt 0in 0in;"><b>From: </b>IT<br><b>Date: </b>Monday</div><div>old</div>';
    expect(replyText({ html })).toBe('Answer');
  });
});
