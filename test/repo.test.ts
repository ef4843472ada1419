import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configSchema as apiSchema } from '../api/src/config.js';
import { botConfigSchema } from '../bot/src/config.js';

const configSchema = { ...apiSchema, ...botConfigSchema };
import { repoRoot } from './process.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('the repository documents what it runs', () => {
  it('lists every environment variable in the README table and in .env.example', () => {
    const readme = read('README.md');
    const example = read('.env.example');
    for (const name of Object.keys(configSchema)) {
      expect(readme, `README is missing ${name}`).toMatch(new RegExp(`\\| \`${name}\` \\|`));
      expect(example, `.env.example is missing ${name}`).toContain(`${name}=`);
    }
  });

  it('lists the demo logins in the README', () => {
    const readme = read('README.md');
    for (const email of [
      'admin@deskmate.local',
      'agent@deskmate.local',
      'agent2@deskmate.local',
      'alice@deskmate.local',
      'bob@deskmate.local',
    ]) {
      expect(readme).toContain(email);
    }
    expect(readme).toContain('deskmate-demo');
  });

  it('has a compose file with postgres:17 and deskmate, both health-checked, on a named volume', () => {
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<
        string,
        {
          image?: string;
          build?: string;
          healthcheck?: unknown;
          depends_on?: Record<string, { condition: string }>;
          environment?: Record<string, string>;
        }
      >;
      volumes: Record<string, unknown>;
    };
    expect(compose.services.postgres?.image).toBe('postgres:17');
    expect(compose.services.deskmate?.build).toBe('.');
    expect(compose.services.postgres?.healthcheck).toBeDefined();
    expect(compose.services.deskmate?.healthcheck).toBeDefined();
    expect(compose.services.deskmate?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(compose.services.deskmate?.environment?.DATABASE_URL).toMatch(/@postgres:5432\/deskmate$/);
    expect(Object.keys(compose.volumes)).toContain('pgdata');
  });

  it('never tracks secrets, build output or the embedded database', () => {
    const ignore = read('.gitignore');
    for (const entry of ['node_modules/', 'dist/', '.deskmate/', '.env']) expect(ignore).toContain(entry);
  });
});
