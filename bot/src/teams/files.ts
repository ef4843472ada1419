import type { Activity, TurnContext } from 'botbuilder';
import type { TChatFile } from '../files.js';

/** A file a person shared in Teams, as the bot keeps it between a message and a click (the "which ticket?" card). */
export interface TTeamsFileRef {
  name: string;
  type: string;
  url: string;
}

const FILE_INFO = 'application/vnd.microsoft.teams.file.download.info';
/** Where Teams keeps files shared in a personal chat (OneDrive for Business): the download URL is pre-signed. */
const sharePoint = /\.sharepoint(-df)?\.(com|us|de|cn)$/i;

/**
 * Whether the bot fetches from this URL: the Bot Connector that sent the activity (inline images,
 * and everything in the Emulator and tests), or Teams' file store for a personal chat's files.
 * Anything else is never fetched, so an activity cannot make the bot call elsewhere.
 */
export function fileUrlAllowed(url: string, serviceUrl: string): 'connector' | 'store' | null {
  let u: URL;
  let service: URL;
  try {
    u = new URL(url);
    service = new URL(serviceUrl);
  } catch {
    return null;
  }
  if (u.origin === service.origin) return 'connector';
  return u.protocol === 'https:' && sharePoint.test(u.hostname) ? 'store' : null;
}

/**
 * The files of a Teams message: files shared in a personal chat (their download info) and pasted
 * images (fetched from the Bot Connector). Files shared in a channel are links to its SharePoint
 * site, which the bot cannot read: they are named in `unreadable`.
 */
export function teamsFileRefs(activity: Partial<Activity>): { files: TTeamsFileRef[]; unreadable: string[] } {
  const files: TTeamsFileRef[] = [];
  const unreadable: string[] = [];
  for (const a of activity.attachments ?? []) {
    const name = typeof a.name === 'string' && a.name ? a.name.slice(0, 255) : undefined;
    if (a.contentType === FILE_INFO) {
      const content = (a.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
      if (typeof content.downloadUrl === 'string')
        files.push({ name: name ?? 'file', type: '', url: content.downloadUrl });
    } else if (a.contentType?.startsWith('image/') && typeof a.contentUrl === 'string') {
      files.push({
        name: name ?? `image.${a.contentType.slice(6).split(/[;+]/)[0]}`,
        type: a.contentType,
        url: a.contentUrl,
      });
    } else if (a.contentType === 'reference' && name) {
      unreadable.push(name);
    }
  }
  return { files: files.slice(0, 10), unreadable };
}

/** The bot's Bot Connector token, when it has credentials (none in the Emulator). */
async function connectorToken(context: TurnContext): Promise<string | undefined> {
  const connector = context.turnState.get(context.adapter.ConnectorClientKey) as
    { credentials?: { appId?: string; getToken?: () => Promise<string> } } | undefined;
  if (!connector?.credentials?.appId || !connector.credentials.getToken) return undefined;
  return connector.credentials.getToken().catch(() => undefined);
}

/**
 * Files to fetch, for the turn they arrived in (or were clicked in): only from an allowed place,
 * with the bot's token for the Bot Connector only.
 */
export async function fetchableFiles(context: TurnContext, refs: readonly TTeamsFileRef[]): Promise<TChatFile[]> {
  const serviceUrl = context.activity.serviceUrl ?? '';
  const token = refs.some((r) => fileUrlAllowed(r.url, serviceUrl) === 'connector')
    ? await connectorToken(context)
    : undefined;
  return refs.flatMap((r) => {
    const where = fileUrlAllowed(r.url, serviceUrl);
    if (!where) return [];
    return [
      {
        name: r.name,
        type: r.type,
        url: r.url,
        ...(where === 'connector' && token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      },
    ];
  });
}
