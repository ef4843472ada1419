// Prints the README's configuration table from the config schema: `npx tsx --conditions=development scripts/config-table.ts`.
import { configSchema as apiSchema } from '../api/src/config.js';
import { botConfigSchema } from '../bot/src/config.js';

const configSchema = { ...apiSchema, ...botConfigSchema };

const defaults: Record<string, string> = {};
for (const [name, spec] of Object.entries(configSchema)) {
  const parsed = spec.schema.safeParse(undefined);
  const shown = 'defaultText' in spec ? spec.defaultText : parsed.success ? parsed.data : undefined;
  defaults[name] = shown === undefined ? '' : String(shown);
}
console.log('| Variable | Default | Meaning |');
console.log('|---|---|---|');
for (const [name, spec] of Object.entries(configSchema)) {
  console.log(
    `| \`${name}\` | ${defaults[name] ? `\`${defaults[name]}\`` : '—'} | ${spec.doc}${spec.secret ? ' *Secret: never logged.*' : ''} |`,
  );
}
