import { describe, expect, it } from 'vitest';
import {
  REPLY_MARKER,
  renderDirect,
  renderReply,
  renderStatusChange,
  renderTicketCreated,
  type TicketView,
} from './templates.js';

const ticket: TicketView = {
  key: 'IT-1042',
  title: 'VPN <drops> & "reconnects"',
  status: 'open',
  priority: 'high',
  requesterName: 'Alice',
  assigneeName: 'Sam Agent',
  url: 'https://desk.test/portal/tickets/IT-1042',
};

describe('email templates', () => {
  it('keep the ticket key in the subject, so every mail of a ticket threads together', () => {
    expect(renderReply({ ticket, authorName: 'Sam', body: 'x', visibility: 'public', reason: 'r' }).subject).toBe(
      '[IT-1042] VPN <drops> & "reconnects"',
    );
    expect(
      renderStatusChange({
        ticket: { ...ticket, status: 'pending' },
        title: 't',
        note: null,
        csatUrl: null,
        reason: 'r',
      }).subject,
    ).toBe('[IT-1042] VPN <drops> & "reconnects"');
  });

  it('escape user content in HTML and keep it verbatim in text', () => {
    const mail = renderReply({
      ticket,
      authorName: 'Sam <script>',
      body: 'Run <b>this</b>\nthen https://example.com/a?b=1&c=2',
      visibility: 'public',
      reason: 'r',
    });
    expect(mail.text).toContain('Run <b>this</b>\nthen https://example.com/a?b=1&c=2');
    expect(mail.html).not.toMatch(/<script>|<b>this/);
    expect(mail.html).toContain('Run &lt;b&gt;this&lt;/b&gt;<br>');
    expect(mail.html).toContain('<a href="https://example.com/a?b=1&amp;c=2"');
    expect(mail.html).toContain('VPN &lt;drops&gt; &amp; &quot;reconnects&quot;');
  });

  it('put the reply marker first in mail people may answer, and say what answering does', () => {
    const pub = renderTicketCreated({
      ticket,
      description: 'd',
      firstResponseDue: '23 Nov 2026, 10:00 GMT',
      reason: 'r',
    });
    expect(pub.text.startsWith(`${REPLY_MARKER}\n`)).toBe(true);
    expect(pub.text).toContain('We aim to answer by 23 Nov 2026, 10:00 GMT.');
    expect(pub.text).toContain('your reply is added to the ticket');
    const internal = renderReply({ ticket, authorName: 'Sam', body: 'x', visibility: 'internal', reason: 'r' });
    expect(internal.text).toContain('add an internal note (never shown to the requester)');
  });

  it('list a reply’s files, names escaped in HTML: links for the ones not in the mail', () => {
    const mail = renderReply({
      ticket,
      authorName: 'Sam',
      body: 'See the files',
      visibility: 'public',
      reason: 'r',
      files: [
        { filename: 'a<b>.png', size: 2_500_000, url: 'https://desk.test/files/IT-1042/1?x=1&y=2', attached: false },
        { filename: 'log.txt', size: 300, url: 'https://desk.test/files/IT-1042/2', attached: true },
      ],
    });
    expect(mail.text).toContain(
      'Files (2): Links open after you sign in.\n- a<b>.png (2.4 MB): https://desk.test/files/IT-1042/1?x=1&y=2\n- log.txt (300 bytes), attached',
    );
    expect(mail.html).toContain(
      '<a href="https://desk.test/files/IT-1042/1?x=1&amp;y=2" style="color:#0969da">a&lt;b&gt;.png</a>',
    );
    expect(mail.html).not.toContain('a<b>.png');
    const none = renderReply({ ticket, authorName: 'Sam', body: 'x', visibility: 'public', reason: 'r' });
    expect(none.text).not.toContain('File');
  });

  it('a sign-in code stands out and a reset link becomes a button, from the caller’s text', () => {
    const otp = renderDirect({
      kind: 'email_otp',
      subject: 'Your code: 123456',
      text: 'Hello,\n\nYour code is 123456. It expires.',
    });
    expect(otp.html).toContain('<strong style="font-size:22px;letter-spacing:3px">123456</strong>');
    const reset = renderDirect({
      kind: 'password_reset',
      subject: 'Reset',
      text: 'Hello,\n\nOpen this link:\n\nhttps://desk.test/reset-password?token=abc\n\nIgnore it otherwise.',
    });
    expect(reset.html).toContain('href="https://desk.test/reset-password?token=abc"');
    expect(reset.html).toContain('Choose a new password');
    expect(reset.text).toContain('https://desk.test/reset-password?token=abc');
  });
});
