import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { appManifest, appPackageDir, buildAppPackage, AppPackageError } from '../app-package.js';

/**
 * The Teams app manifest JSON schema as Microsoft publishes it, from @microsoft/app-manifest
 * (draft-04, so validated with ajv-draft-04 as that package itself does).
 */
const require = createRequire(import.meta.url);
const manifestPackage = require.resolve('@microsoft/app-manifest/package.json');
const fromManifestPackage = createRequire(manifestPackage);
const Ajv04 = fromManifestPackage('ajv-draft-04') as new (options: object) => {
  compile(
    schema: object,
  ): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
};
const addFormats = require('ajv-formats') as (ajv: unknown, formats: string[]) => void;

const template = JSON.parse(readFileSync(resolve(appPackageDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
const version = template.manifestVersion as string;
const schemaFile = resolve(manifestPackage, `../build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);

function validate(manifest: unknown): string[] {
  const ajv = new Ajv04({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const check = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  return check(manifest) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

const options = { appId: '0b1e6a1c-9a4f-4f3e-8a55-5d0f7b5a2c11', url: 'https://desk.example.com/' };

describe('the Teams app manifest', () => {
  it('is on the newest numbered Teams manifest schema that @microsoft/app-manifest ships, and names it', () => {
    expect(version).toBe('1.30');
    expect(template.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`,
    );
  });

  it('validates against that schema, as committed and as packaged', () => {
    expect(validate(template)).toEqual([]);
    expect(validate(appManifest(template, options))).toEqual([]);
  });

  it('the validation can fail (a missing required field, a bad bot id)', () => {
    const { icons: _icons, ...noIcons } = template;
    expect(validate(noIcons)).toContainEqual(expect.stringContaining("must have required property 'icons'"));
    expect(validate({ ...template, bots: [{ botId: 'not-a-guid', scopes: ['personal'] }] }).length).toBeGreaterThan(0);
  });

  it('offers the bot in personal chats and teams, with help in personal chats and the triage command in teams', () => {
    const bot = (
      template.bots as { scopes: string[]; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[]
    )[0]!;
    expect(bot.scopes).toEqual(['personal', 'team']);
    expect(bot.commandLists).toEqual([
      { scopes: ['personal'], commands: [expect.objectContaining({ title: 'help' })] },
      { scopes: ['team'], commands: [expect.objectContaining({ title: 'triage here' })] },
    ]);
  });
});

describe('the message extension', () => {
  it('offers "Create ticket" on a message (an action with a dialog), served by the bot, filled in when packaged', () => {
    expect(template.composeExtensions).toEqual([
      {
        botId: '00000000-0000-0000-0000-000000000000',
        commands: [
          {
            id: 'createTicket',
            type: 'action',
            title: 'Create ticket',
            description: expect.any(String),
            context: ['message'],
            fetchTask: true,
          },
        ],
      },
    ]);
    const packaged = appManifest(template, options) as { composeExtensions: { botId: string }[] };
    expect(packaged.composeExtensions.map((e) => e.botId)).toEqual([options.appId]);
    expect(validate(packaged)).toEqual([]);
    // The schema does check the extension (so the validation above can fail).
    expect(
      validate({ ...packaged, composeExtensions: [{ botId: options.appId, commands: [{ id: 'x' }] }] }),
    ).not.toEqual([]);
  });

  it('asks for the channel-messages permission, so agents’ thread messages reach the bot without a mention', () => {
    expect(template.authorization).toEqual({
      permissions: { resourceSpecific: [{ name: 'ChannelMessage.Read.Group', type: 'Application' }] },
    });
  });
});

/** Width, height and RGBA pixels of a PNG as icons.mjs writes it (8-bit RGBA, filter 0). */
function decodePng(file: string): { width: number; height: number; pixels: Buffer } {
  const data = readFileSync(resolve(appPackageDir, file));
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('ascii', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([...body.subarray(8, 10)]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

describe('the icons', () => {
  it('color.png is a 192x192 full-colour PNG', () => {
    const { width, height, pixels } = decodePng('color.png');
    expect([width, height]).toEqual([192, 192]);
    expect(pixels.readUInt32BE(0)).toBe(0x2563ebff); // the accent colour, opaque, in the corner
  });

  it('outline.png is 32x32, white on transparent only', () => {
    const { width, height, pixels } = decodePng('outline.png');
    expect([width, height]).toEqual([32, 32]);
    let drawn = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) continue;
      drawn++;
      expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(drawn).toBeGreaterThan(50);
  });
});

/** The entries of a zip (central directory), inflated. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(body) : body);
    at += 46 + nameLength + extra;
  }
  return out;
}

describe('npm run teams:package', () => {
  it('zips the manifest, with the bot id and URL filled in, and the two icons at the root', async () => {
    const files = unzip(await buildAppPackage({ ...options, version: '1.2.3' }));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      id: options.appId,
      version: '1.2.3',
      bots: [expect.objectContaining({ botId: options.appId })],
      developer: expect.objectContaining({ websiteUrl: 'https://desk.example.com' }),
    });
    expect(validate(manifest)).toEqual([]);
    expect(files.get('color.png')).toEqual(readFileSync(resolve(appPackageDir, 'color.png')));
  });

  it('refuses a missing app id, a non-https URL or a bad version, with a message that says what to set', async () => {
    await expect(buildAppPackage({ appId: '', url: options.url })).rejects.toThrow(AppPackageError);
    expect(() => appManifest(template, { ...options, url: 'http://desk.example.com' })).toThrow(/https/);
    expect(() => appManifest(template, { ...options, version: 'v2' })).toThrow(/version/);
  });
});

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);

/** The `npm run teams:package` commands in the README's code blocks, as printed. */
function readmeCommands(): string[] {
  const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).filter((line) => line.startsWith('npm run teams:package'));
}

describe('the README’s teams:package commands', () => {
  const envAppId = '5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c';
  const built = resolve(appPackageDir, 'build/deskmate-teams.zip');

  it('are printed: the plain one and one with options', () => {
    const commands = readmeCommands();
    expect(commands).toContain('npm run teams:package');
    expect(commands.filter((c) => c.includes('--app-id')).length).toBeGreaterThan(0);
  });

  for (const command of readmeCommands()) {
    it(`run exactly as printed: ${command}`, async () => {
      rmSync(built, { force: true });
      // What a person who followed step 1 has: the app id and an https PUBLIC_URL in the environment.
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        MICROSOFT_APP_ID: envAppId,
        PUBLIC_URL: 'https://helpdesk.example.org',
      };
      const { stdout } = await run('sh', ['-c', command], { cwd: repoRoot, env, timeout: 60_000 });
      expect(stdout).toContain(`Wrote ${built}`);
      const manifest = JSON.parse(unzip(readFileSync(built)).get('manifest.json')!.toString('utf8')) as {
        id: string;
        version: string;
        developer: { websiteUrl: string };
      };
      // Options given on the command line win over the environment, and each one is taken.
      const given = (name: string) => new RegExp(`--${name} (\\S+)`).exec(command)?.[1];
      expect(manifest.id).toBe(given('app-id') ?? envAppId);
      expect(manifest.developer.websiteUrl).toBe(given('url') ?? 'https://helpdesk.example.org');
      expect(manifest.version).toBe(given('version') ?? template.version);
      expect(validate(manifest)).toEqual([]);
    }, 60_000);
  }

  it('options before "--" (which npm keeps for itself) get a message that shows the right command', async () => {
    const err = await run(
      'sh',
      ['-c', 'npm run teams:package --app-id 0b1e6a1c-9a4f-4f3e-8a55-5d0f7b5a2c11 --url https://desk.example.com'],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, timeout: 60_000 },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain(
      'Put the options after "--": npm run teams:package -- --app-id',
    );
  }, 60_000);
});
