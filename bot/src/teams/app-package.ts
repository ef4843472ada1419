/**
 * `npm run teams:package`: the Teams app package to upload (sideload, or publish to your org):
 * bot/teams/appPackage/manifest.json with this Deskmate's Azure Bot id and URL filled in, and its
 * two icons, zipped at the root of bot/teams/appPackage/build/deskmate-teams.zip.
 *
 *   npm run teams:package -- [--app-id <guid>] [--url https://desk.example.com] [--version 1.0.1] [--out file.zip]
 *
 * The app id defaults to MICROSOFT_APP_ID and the URL to PUBLIC_URL (environment or .env).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ZipFile } from 'yazl';

export const appPackageDir = fileURLToPath(new URL('../../teams/appPackage/', import.meta.url));
export const appPackageFiles = ['manifest.json', 'color.png', 'outline.png'] as const;

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER = /^\d+\.\d+\.\d+$/;
/** A fixed time in the zip, so the same inputs give the same package. */
const fixedTime = new Date('2020-01-01T00:00:00Z');

export interface TAppPackageOptions {
  /** The Azure Bot's Microsoft App ID (MICROSOFT_APP_ID). */
  appId: string;
  /** Where people reach Deskmate (PUBLIC_URL): the developer links of the app. */
  url: string;
  /** The app's version; raise it for every upload of a changed package. */
  version?: string | undefined;
}

export class AppPackageError extends Error {
  override name = 'AppPackageError';
}

/** The manifest template with this installation's values. */
export function appManifest(template: Record<string, unknown>, options: TAppPackageOptions): Record<string, unknown> {
  if (!GUID.test(options.appId))
    throw new AppPackageError(`The app id must be the Azure Bot's Microsoft App ID, a GUID (got "${options.appId}")`);
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new AppPackageError(
      `The URL must be where people reach Deskmate, such as https://desk.example.com (got "${options.url}")`,
    );
  }
  if (url.protocol !== 'https:') throw new AppPackageError('The URL must be https: Teams requires it');
  if (options.version !== undefined && !SEMVER.test(options.version))
    throw new AppPackageError(`The version must look like 1.0.1 (got "${options.version}")`);
  const site = url.href.replace(/\/+$/, '');
  const bots = (template.bots as Record<string, unknown>[]).map((bot) => ({ ...bot, botId: options.appId }));
  // The message extension ("Create ticket" on a message) is served by the same bot.
  const composeExtensions = ((template.composeExtensions ?? []) as Record<string, unknown>[]).map((extension) => ({
    ...extension,
    botId: options.appId,
  }));
  return {
    ...template,
    ...(options.version ? { version: options.version } : {}),
    id: options.appId,
    developer: { ...(template.developer as object), websiteUrl: site, privacyUrl: site, termsOfUseUrl: site },
    bots,
    ...(composeExtensions.length ? { composeExtensions } : {}),
  };
}

/** The zip Teams takes: the manifest and the icons at its root. */
export async function buildAppPackage(options: TAppPackageOptions, dir = appPackageDir): Promise<Buffer> {
  const template = JSON.parse(readFileSync(resolve(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(`${JSON.stringify(appManifest(template, options), null, 2)}\n`), 'manifest.json', {
    mtime: fixedTime,
  });
  for (const icon of appPackageFiles.slice(1))
    zip.addBuffer(readFileSync(resolve(dir, icon)), icon, { mtime: fixedTime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function main(): Promise<void> {
  const { config } = await import('dotenv');
  config({ quiet: true });
  let values;
  try {
    const parsed = parseArgs({
      allowPositionals: true,
      options: {
        'app-id': { type: 'string', default: process.env.MICROSOFT_APP_ID ?? '' },
        url: { type: 'string', default: process.env.PUBLIC_URL ?? '' },
        version: { type: 'string' },
        out: { type: 'string', default: resolve(appPackageDir, 'build/deskmate-teams.zip') },
      },
    });
    // `npm run teams:package --app-id X` gives npm the option and the script only "X".
    if (parsed.positionals.length)
      throw new AppPackageError(`Unexpected "${parsed.positionals[0]}": npm keeps options that come before "--".`);
    values = parsed.values;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const unknown = /^Unknown option '([^']+)'/.exec(text);
    const message = unknown ? `Unknown option "${unknown[1]}".` : text.split('\n')[0];
    process.stderr.write(
      `${message}\nPut the options after "--": npm run teams:package -- --app-id <Microsoft App ID> --url <https URL> [--version 1.0.1] [--out file.zip]\n`,
    );
    process.exitCode = 1;
    return;
  }
  try {
    const zip = await buildAppPackage({ appId: values['app-id'], url: values.url, version: values.version });
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, zip);
    process.stdout.write(
      `Wrote ${values.out} (${zip.length} bytes): upload it in Teams (Apps → Manage your apps → Upload an app).\n`,
    );
  } catch (err) {
    if (!(err instanceof AppPackageError)) throw err;
    process.stderr.write(
      `${err.message}\nSet MICROSOFT_APP_ID and PUBLIC_URL (in .env or the environment), or pass them after "--": npm run teams:package -- --app-id <Microsoft App ID> --url <https URL>\n`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
