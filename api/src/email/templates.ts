import { formatFileSize } from '@deskmate/shared';

/**
 * Every email Deskmate sends, as text and HTML from the same data. User content is escaped in
 * HTML; nothing here reads the database or decides who gets what (the sender does).
 */

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Mail people may answer carries this line; the part of a reply below it is quoted text. */
export const REPLY_MARKER = '##- Please type your reply above this line -##';

export interface TicketView {
  key: string;
  title: string;
  status: string;
  priority: string;
  requesterName: string;
  assigneeName: string | null;
  /** Link for this recipient (the console for agents, the portal for requesters). */
  url: string;
}

const statusLabels: Record<string, string> = {
  new: 'New',
  open: 'Open',
  pending: 'Waiting on you',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
};
export const statusLabel = (status: string): string => statusLabels[status] ?? status;
const priorityLabel = (p: string) => p.charAt(0).toUpperCase() + p.slice(1);

export const ticketSubject = (t: Pick<TicketView, 'key' | 'title'>): string => `[${t.key}] ${t.title}`;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Plain text as HTML: escaped, line breaks kept, web links clickable. */
export function textToHtml(text: string): string {
  return escapeHtml(text)
    .replace(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g, (url) => `<a href="${url}" style="color:#0969da">${url}</a>`)
    .replace(/\r?\n/g, '<br>\n');
}

const font = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function layout(options: {
  subject: string;
  preheader: string;
  replyable: boolean;
  body: string;
  footer: string;
}): string {
  const marker = options.replyable
    ? `<div style="color:#8c959f;font-size:12px;margin:0 0 16px">${escapeHtml(REPLY_MARKER)}</div>\n`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f5f6f8">
<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(options.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f6f8">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
<tr><td style="padding:24px;${font};font-size:15px;line-height:1.5;color:#1f2328">
${marker}${options.body}
</td></tr>
</table>
<p style="${font};font-size:12px;line-height:1.5;color:#57606a;max-width:600px;margin:12px auto 0">${options.footer}</p>
</td></tr>
</table>
</body>
</html>
`;
}

const button = (url: string, label: string) =>
  `<p style="margin:20px 0 0"><a href="${escapeHtml(url)}" style="display:inline-block;background:#1f6feb;color:#ffffff;text-decoration:none;padding:8px 16px;border-radius:6px">${escapeHtml(label)}</a></p>`;

function facts(t: TicketView): { text: string; html: string } {
  const items = [
    ['Status', statusLabel(t.status)],
    ['Priority', priorityLabel(t.priority)],
    ['Assignee', t.assigneeName ?? 'Not assigned yet'],
  ] as const;
  return {
    text: items.map(([k, v]) => `${k}: ${v}`).join(' · '),
    html: `<p style="margin:16px 0 0;color:#57606a;font-size:13px">${items
      .map(([k, v]) => `${k}: <strong>${escapeHtml(v)}</strong>`)
      .join(' &middot; ')}</p>`,
  };
}

const quote = (html: string) =>
  `<div style="border-left:3px solid #d0d7de;padding:4px 0 4px 12px;margin:12px 0">${html}</div>`;

function replyFooter(replyable: boolean, visibility: 'public' | 'internal', reason: string) {
  const how = !replyable
    ? 'This message was sent automatically; replies are not read.'
    : visibility === 'internal'
      ? 'Reply to this email to add an internal note (never shown to the requester).'
      : 'Reply to this email to answer: your reply is added to the ticket.';
  return { text: `${reason}\n${how}`, html: `${escapeHtml(reason)}<br>${escapeHtml(how)}` };
}

function ticketMail(options: {
  ticket: TicketView;
  preheader: string;
  replyable: boolean;
  visibility: 'public' | 'internal';
  reason: string;
  intro: string;
  body?: string | null;
  extraText?: string;
  extraHtml?: string;
}): RenderedEmail {
  const { ticket } = options;
  const subject = ticketSubject(ticket);
  const f = facts(ticket);
  const footer = replyFooter(options.replyable, options.visibility, options.reason);
  const text = [
    ...(options.replyable ? [REPLY_MARKER, ''] : []),
    options.intro,
    ...(options.body ? ['', options.body] : []),
    ...(options.extraText ? ['', options.extraText] : []),
    '',
    f.text,
    `View ${ticket.key}: ${ticket.url}`,
    '',
    '-- ',
    footer.text,
    '',
  ].join('\n');
  const html = layout({
    subject,
    preheader: options.preheader,
    replyable: options.replyable,
    body: [
      `<p style="margin:0">${escapeHtml(options.intro)}</p>`,
      options.body ? quote(textToHtml(options.body)) : '',
      options.extraHtml ?? '',
      f.html,
      button(ticket.url, `View ${ticket.key}`),
    ].join('\n'),
    footer: footer.html,
  });
  return { subject, text, html };
}

/** To whom and why, for the footer. */
export function reasonFor(role: 'requester' | 'watcher' | 'agent', key: string): string {
  if (role === 'requester') return `You get this because you asked for help with ${key}.`;
  if (role === 'watcher') return `You get this because you follow ${key}.`;
  return `You get this because you work on ${key}.`;
}

export function renderTicketCreated(o: {
  ticket: TicketView;
  description: string;
  firstResponseDue: string | null;
  reason: string;
}): RenderedEmail {
  const due = o.firstResponseDue ? `We aim to answer by ${o.firstResponseDue}.` : 'We will answer as soon as we can.';
  return ticketMail({
    ticket: o.ticket,
    preheader: `We received your request ${o.ticket.key}.`,
    replyable: true,
    visibility: 'public',
    reason: o.reason,
    intro: `We received your request ${o.ticket.key} “${o.ticket.title}”. ${due}`,
    body: o.description,
    extraText: 'To add anything, reply to this email.',
    extraHtml: '<p style="margin:12px 0 0">To add anything, reply to this email.</p>',
  });
}

/** A file of a reply as its mail lists it: inside the mail (`attached`) or a link to its download. */
export interface MailFile {
  filename: string;
  size: number;
  url: string;
  attached: boolean;
}

function fileList(files: MailFile[]): { text: string; html: string } {
  if (!files.length) return { text: '', html: '' };
  const line = (f: MailFile) =>
    f.attached
      ? `- ${f.filename} (${formatFileSize(f.size)}), attached`
      : `- ${f.filename} (${formatFileSize(f.size)}): ${f.url}`;
  const item = (f: MailFile) =>
    f.attached
      ? `<li>${escapeHtml(f.filename)} <span style="color:#57606a">(${escapeHtml(formatFileSize(f.size))}), attached</span></li>`
      : `<li><a href="${escapeHtml(f.url)}" style="color:#0969da">${escapeHtml(f.filename)}</a> <span style="color:#57606a">(${escapeHtml(formatFileSize(f.size))})</span></li>`;
  const heading = files.length === 1 ? 'File' : `Files (${files.length})`;
  const signIn = files.some((f) => !f.attached) ? ' Links open after you sign in.' : '';
  return {
    text: `${heading}:${signIn}\n${files.map(line).join('\n')}`,
    html: `<p style="margin:12px 0 4px">${heading}:${escapeHtml(signIn)}</p><ul style="margin:0;padding-left:20px">${files.map(item).join('')}</ul>`,
  };
}

export function renderReply(o: {
  ticket: TicketView;
  authorName: string;
  body: string;
  visibility: 'public' | 'internal';
  reason: string;
  files?: MailFile[];
}): RenderedEmail {
  const files = fileList(o.files ?? []);
  return ticketMail({
    ticket: o.ticket,
    preheader: (o.body || files.text).slice(0, 140),
    replyable: true,
    visibility: o.visibility,
    reason: o.reason,
    intro: `${o.authorName} replied on ${o.ticket.key} “${o.ticket.title}”:`,
    body: o.body,
    ...(files.text ? { extraText: files.text, extraHtml: files.html } : {}),
  });
}

export function renderStatusChange(o: {
  ticket: TicketView;
  title: string;
  note: string | null;
  /** For the requester of a resolved ticket not rated yet: the rating page. */
  csatUrl: string | null;
  reason: string;
}): RenderedEmail {
  const resolved = o.ticket.status === 'resolved';
  const intro = resolved
    ? `${o.ticket.key} “${o.ticket.title}” is resolved.`
    : `${o.ticket.key} “${o.ticket.title}” is now ${statusLabel(o.ticket.status).toLowerCase()}.`;
  const reopen = resolved ? 'If the problem is not solved, reply to this email and the ticket reopens.' : '';
  let extraText = reopen;
  let extraHtml = reopen ? `<p style="margin:12px 0 0">${escapeHtml(reopen)}</p>` : '';
  if (o.csatUrl) {
    const links = [1, 2, 3, 4, 5].map((n) => ({
      n,
      url: `${o.csatUrl}${o.csatUrl!.includes('?') ? '&' : '?'}rate=${n}`,
    }));
    extraText += `\n\nHow did we do? Rate your experience from 1 (poor) to 5 (great):\n${links
      .map((l) => `${l.n}: ${l.url}`)
      .join('\n')}`;
    extraHtml += `<p style="margin:16px 0 4px">How did we do?</p><p style="margin:0">${links
      .map(
        (l) =>
          `<a href="${escapeHtml(l.url)}" style="display:inline-block;min-width:28px;text-align:center;border:1px solid #d0d7de;border-radius:6px;padding:4px 8px;margin-right:4px;color:#1f2328;text-decoration:none">${'★'.repeat(l.n)}</a>`,
      )
      .join('')}</p>`;
  }
  return ticketMail({
    ticket: o.ticket,
    preheader: o.title,
    replyable: true,
    visibility: 'public',
    reason: o.reason,
    intro,
    body: o.note && o.note !== o.ticket.title ? o.note : null,
    extraText: extraText.trim(),
    extraHtml,
  });
}

export function renderEscalation(o: {
  ticket: TicketView;
  title: string;
  body: string;
  reason: string;
}): RenderedEmail {
  return ticketMail({
    ticket: o.ticket,
    preheader: o.title,
    replyable: true,
    visibility: 'internal',
    reason: o.reason,
    intro: `SLA: ${o.title}.`,
    body: o.body,
  });
}

/** Any other notification about a ticket (assigned, mention, note, reminder). */
export function renderNotification(o: {
  ticket: TicketView;
  title: string;
  body: string;
  visibility: 'public' | 'internal';
  reason: string;
}): RenderedEmail {
  return ticketMail({
    ticket: o.ticket,
    preheader: o.title,
    replyable: true,
    visibility: o.visibility,
    reason: o.reason,
    intro: `${o.title}.`,
    body: o.body && o.body !== o.ticket.title ? o.body : null,
  });
}

export interface DigestItem {
  title: string;
  body: string;
  ticketKey: string | null;
  url: string;
  at: string;
}

/** The daily email of someone who asked for a digest instead of one email per notification. */
export function renderNotificationDigest(o: {
  recipientName: string;
  items: DigestItem[];
  period: string;
  settingsUrl: string;
}): RenderedEmail {
  const subject = `Your Deskmate digest: ${o.items.length} update${o.items.length === 1 ? '' : 's'}`;
  const text = [
    `Hello ${o.recipientName},`,
    '',
    `What happened on your tickets ${o.period}:`,
    '',
    ...o.items.flatMap((i) => [
      `* ${i.title} (${i.at})`,
      ...(i.body ? [`  ${i.body.replace(/\n/g, '\n  ')}`] : []),
      `  ${i.url}`,
      '',
    ]),
    '-- ',
    `You get one digest a day because you chose it. Change it: ${o.settingsUrl}`,
    '',
  ].join('\n');
  const html = layout({
    subject,
    preheader: `${o.items.length} updates ${o.period}`,
    replyable: false,
    body: [
      `<p style="margin:0">Hello ${escapeHtml(o.recipientName)},</p>`,
      `<p>What happened on your tickets ${escapeHtml(o.period)}:</p>`,
      '<ul style="padding-left:20px">',
      ...o.items.map(
        (i) =>
          `<li style="margin:0 0 12px"><a href="${escapeHtml(i.url)}" style="color:#0969da">${escapeHtml(i.title)}</a> <span style="color:#57606a;font-size:12px">${escapeHtml(i.at)}</span>${i.body ? `<br><span style="color:#57606a">${textToHtml(i.body)}</span>` : ''}</li>`,
      ),
      '</ul>',
    ].join('\n'),
    footer: `You get one digest a day because you chose it. <a href="${escapeHtml(o.settingsUrl)}" style="color:#57606a">Change it</a>.`,
  });
  return { subject, text, html };
}

export interface WeeklyStats {
  scope: 'agent' | 'desk';
  from: string;
  to: string;
  opened: number;
  resolved: number;
  breached: number;
  atRisk: number;
  csat: { count: number; average: number | null };
}

export function renderWeeklyDigest(o: {
  recipientName: string;
  stats: WeeklyStats;
  period: string;
  url: string;
}): RenderedEmail {
  const s = o.stats;
  const whose = s.scope === 'desk' ? 'the desk' : 'your tickets';
  const subject = `Deskmate weekly: ${s.opened} opened, ${s.resolved} resolved${s.breached ? `, ${s.breached} breached` : ''}`;
  const rows: [string, string][] = [
    ['Opened', String(s.opened)],
    ['Resolved', String(s.resolved)],
    ['SLA breached', String(s.breached)],
    ['At risk now', String(s.atRisk)],
    [
      'Satisfaction',
      s.csat.count
        ? `${s.csat.average ?? '–'} / 5 from ${s.csat.count} rating${s.csat.count === 1 ? '' : 's'}`
        : 'no ratings',
    ],
  ];
  const text = [
    `Hello ${o.recipientName},`,
    '',
    `The week of ${whose} (${o.period}):`,
    '',
    ...rows.map(([k, v]) => `${k.padEnd(14)} ${v}`),
    '',
    `Open Deskmate: ${o.url}`,
    '',
    '-- ',
    'Sent every week to agents and admins.',
    '',
  ].join('\n');
  const html = layout({
    subject,
    preheader: `The week of ${whose}`,
    replyable: false,
    body: [
      `<p style="margin:0">Hello ${escapeHtml(o.recipientName)},</p>`,
      `<p>The week of ${escapeHtml(whose)} (${escapeHtml(o.period)}):</p>`,
      '<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse">',
      ...rows.map(
        ([k, v]) =>
          `<tr><td style="padding:4px 16px 4px 0;color:#57606a">${escapeHtml(k)}</td><td style="padding:4px 0"><strong>${escapeHtml(v)}</strong></td></tr>`,
      ),
      '</table>',
      button(o.url, 'Open Deskmate'),
    ].join('\n'),
    footer: 'Sent every week to agents and admins.',
  });
  return { subject, text, html };
}

const directButtons: Record<string, string> = {
  password_reset: 'Choose a new password',
  invite: 'Accept the invitation',
  second_factor_locked: 'Change your password',
};

/**
 * Mail that is not about a ticket (sign-in code, password reset, invitation): the text its caller
 * wrote, and HTML made from it by kind — a link alone on its line becomes a button, a sign-in
 * code stands out.
 */
export function renderDirect(o: { kind: string; subject: string; text: string; html?: string | null }): RenderedEmail {
  if (o.html) return { subject: o.subject, text: o.text, html: o.html };
  const body = o.text
    .trim()
    .split(/\n{2,}/)
    .map((block) => {
      const url = /^\s*(https?:\/\/\S+)\s*$/.exec(block)?.[1];
      if (url) return button(url, directButtons[o.kind] ?? 'Open');
      let html = textToHtml(block);
      if (o.kind === 'email_otp')
        html = html.replace(/\b(\d{6})\b/, '<strong style="font-size:22px;letter-spacing:3px">$1</strong>');
      return `<p style="margin:0 0 12px">${html}</p>`;
    })
    .join('\n');
  return {
    subject: o.subject,
    text: o.text,
    html: layout({
      subject: o.subject,
      preheader: o.subject,
      replyable: false,
      body,
      footer: 'This message was sent automatically by Deskmate; replies are not read.',
    }),
  };
}
