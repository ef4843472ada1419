import type { TChatFile } from '../files.js';

/** A file of a Slack `file_share` message event (the fields Deskmate reads). */
interface SlackFile {
  name?: unknown;
  title?: unknown;
  mimetype?: unknown;
  size?: unknown;
  mode?: unknown;
  url_private_download?: unknown;
  url_private?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * The files of a Slack message, to fetch with the bot token. The token goes to Slack's own file
 * host only (files.slack.com, or the configured Web API's host: a proxy, a test stand-in); files
 * hosted elsewhere (external links) or deleted ones are left out.
 */
export function slackFiles(raw: unknown, access: { token: string; apiUrl: string }): TChatFile[] {
  if (!Array.isArray(raw)) return [];
  const hosts = new Set(['files.slack.com', new URL(access.apiUrl).hostname]);
  const out: TChatFile[] = [];
  for (const f of raw as SlackFile[]) {
    if (f.mode === 'external' || f.mode === 'tombstone') continue;
    const url = str(f.url_private_download) ?? str(f.url_private);
    let parsed: URL;
    try {
      parsed = new URL(url ?? '');
    } catch {
      continue;
    }
    if (parsed.protocol !== 'https:' || !hosts.has(parsed.hostname)) continue;
    out.push({
      name: str(f.name) ?? str(f.title) ?? 'file',
      type: str(f.mimetype) ?? '',
      url: parsed.href,
      ...(typeof f.size === 'number' ? { size: f.size } : {}),
      headers: { authorization: `Bearer ${access.token}` },
    });
  }
  return out.slice(0, 10);
}
