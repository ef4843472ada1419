import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ids } from './render/ids.js';

/**
 * manifest.yml checked against a JSON schema generated from @slack/web-api's `Manifest` type (no
 * validator package for Slack manifests exists), plus what Deskmate's listeners rely on.
 */

const require = createRequire(import.meta.url);
const manifestPath = fileURLToPath(new URL('../../../manifest.yml', import.meta.url));

interface Manifest {
  display_information: { name: string; description?: string };
  features: {
    app_home: Record<string, boolean>;
    bot_user: { display_name: string };
    slash_commands: { command: string; url?: string }[];
    shortcuts: { type: string; callback_id: string; name: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url?: string };
    interactivity: { is_enabled: boolean; request_url?: string };
  };
}

let validate: ValidateFunction;
const manifest = parse(readFileSync(manifestPath, 'utf8')) as Manifest;

beforeAll(() => {
  const typeFile = require.resolve('@slack/web-api/dist/types/request/manifest.d.ts');
  const schema = createGenerator({
    path: typeFile,
    type: 'Manifest',
    skipTypeCheck: true,
    additionalProperties: false,
    topRef: false,
  }).createSchema('Manifest');
  validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
}, 30_000);

describe('manifest.yml', () => {
  it('validates against the schema of @slack/web-api’s Manifest type', () => {
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema does catch mistakes (a misspelt key, an unknown event)', () => {
    const misspelt = structuredClone(manifest) as unknown as { features: { bot_user: Record<string, unknown> } };
    misspelt.features.bot_user.displayname = 'x';
    expect(validate(misspelt)).toBe(false);
    const unknownEvent = structuredClone(manifest);
    unknownEvent.settings.event_subscriptions.bot_events.push('message.everything');
    expect(validate(unknownEvent)).toBe(false);
  });

  it('keeps the limits Slack documents but the type cannot express', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description?.length ?? 0).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
  });

  it('declares what the listeners use: /ticket, the shortcut, interactivity, the events, App Home and scopes', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/ticket']);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', name: 'Create ticket', callback_id: ids.createTicketShortcut }),
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['message.im', 'app_home_opened', 'reaction_added', 'app_mention', 'message.channels']),
    );
    expect(manifest.features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'chat:write',
        'commands',
        'im:history',
        'im:write',
        'users:read',
        'users:read.email',
        'reactions:read',
        'reactions:write',
        'channels:history',
        'app_mentions:read',
        // Files shared in the DM and in threads are fetched to attach them to tickets.
        'files:read',
      ]),
    );
    // Events, commands and interactivity all go to the one endpoint.
    const urls = [
      manifest.features.slash_commands[0]?.url,
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    expect(new Set(urls.map((u) => new URL(u!).pathname))).toEqual(new Set(['/slack/events']));
  });
});
