#!/usr/bin/env -S node --max-old-space-size=256
/**
 * The `deskmate` command: the composition root that joins the API, the bots and the worker into
 * one process (or one role of it). `npm start` runs this after building.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import {
  ConfigError,
  DEMO_PASSWORD,
  DataDirBusyError,
  EmailSender,
  StartupError,
  createLogger,
  demoUsers,
  inProcessFetch,
  loadConfig,
  plainHttpWarning,
  startRuntime,
  type Role,
} from '@deskmate/api';
import { adminCreate } from './admin.js';
import { kbImport } from './kb-import.js';
import { BotConfigError, createBot, loadBotConfig } from '@deskmate/bot';

const roles = ['all', 'api', 'bot', 'worker'] as const;
const root = fileURLToPath(new URL('..', import.meta.url));
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function usage(): string {
  return [
    'Usage: deskmate [--role all|api|bot|worker]',
    '       deskmate admin create --email EMAIL [--name NAME]',
    '       deskmate kb import FOLDER|ZIP [--publish] [--category CATEGORY]',
    '',
    '  --role   what this process runs (default: DESKMATE_ROLE or all)',
    '  --help   this text',
    '',
    '  admin create   create an administrator in the configured database (DATABASE_URL, or the',
    '                 embedded one); the password is asked for on a terminal, or read as one line',
    '                 from standard input (echo "$PASSWORD" | deskmate admin create --email …)',
    '',
    '  kb import      import Markdown (.md) and HTML (.html) articles from a folder or a zip into',
    '                 the knowledge base; front matter (title, category, tags, slug) or the first',
    '                 heading and the folder name give title and category; a re-import updates.',
    '                 --publish publishes them (new ones are drafts otherwise); --category is the',
    '                 category of files that name none',
    '',
    'Configuration comes from the environment and a .env file; see the README.',
  ].join('\n');
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        role: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        email: { type: 'string' },
        name: { type: 'string' },
        publish: { type: 'boolean' },
        category: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${usage()}`);
  }
  if (args.values.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  loadDotenv({ quiet: true });
  const command = args.positionals.join(' ');
  if (command === 'admin create') {
    await adminCreate({ email: args.values.email, name: args.values.name, fail });
    return;
  }
  if (args.positionals[0] === 'kb' && args.positionals[1] === 'import' && args.positionals.length <= 3) {
    await kbImport({
      source: args.positionals[2],
      publish: args.values.publish ?? false,
      category: args.values.category,
      fail,
    });
    return;
  }
  if (command) fail(`Unknown command: ${command}\n${usage()}`);
  if (args.values.publish !== undefined || args.values.category !== undefined)
    fail(`--publish and --category go with "kb import"\n${usage()}`);
  if (args.values.email !== undefined || args.values.name !== undefined)
    fail(`--email and --name go with "admin create"\n${usage()}`);
  let config;
  let botConfig;
  try {
    config = loadConfig(process.env);
    botConfig = loadBotConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof BotConfigError) fail(err.message);
    throw err;
  }
  const role = (args.values.role ?? config.DESKMATE_ROLE) as Role;
  if (!roles.includes(role))
    fail(`Configuration error: --role must be one of ${roles.join(', ')} (got ${JSON.stringify(role)})`);

  // A bot or worker process serves no API: the chat channels (endpoints, senders) reach it elsewhere.
  const servesApi = role === 'all' || role === 'api';
  const apiUrl = config.DESKMATE_API_URL?.replace(/\/+$/, '');
  if (!servesApi && !apiUrl)
    fail(`Configuration error: DESKMATE_API_URL must be set for --role ${role} (the URL of a process serving the API)`);

  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const startedAt = Date.now();
  const httpWarning = plainHttpWarning(config);
  if (httpWarning) logger.warn(httpWarning);
  let runtime: Awaited<ReturnType<typeof startRuntime>> | undefined;
  // The bots reach the API with the desk's integration token: in this process when it serves the
  // API (no HTTP, ADR 17), else over HTTP at DESKMATE_API_URL.
  let inProcess: typeof fetch | undefined;
  const apiFetch: typeof fetch = (input, init) => {
    if (!runtime) return Promise.reject(new Error('The API has not started yet'));
    inProcess ??= inProcessFetch(runtime.services, { version });
    return inProcess(input, init);
  };
  let bot;
  try {
    bot = createBot({
      config: botConfig,
      apiUrl: () => (servesApi ? (runtime?.url ?? `http://127.0.0.1:${config.PORT}`) : apiUrl!),
      apiToken: () => runtime?.services.secrets.integrationToken ?? '',
      ...(servesApi ? { apiFetch } : {}),
      logger,
    });
  } catch (err) {
    if (err instanceof BotConfigError) fail(err.message);
    throw err;
  }
  try {
    runtime = await startRuntime({
      config,
      role,
      logger,
      version,
      botRouters: bot.routers,
      frontDoors: bot.frontDoors,
      inbound: bot.inbound,
      // Slack and Teams from the bot, email from the api (SMTP, or the dev outbox without SMTP_URL).
      senders: [...bot.senders, new EmailSender()],
      integrations: bot.integrations,
      consoleDir: `${root}admin-ui/dist`,
    });
    if (role === 'all' || role === 'bot') await bot.start();
  } catch (err) {
    if (err instanceof DataDirBusyError || err instanceof StartupError) fail(err.message);
    logger.fatal({ err }, 'Deskmate could not start');
    logger.flush?.();
    setTimeout(() => process.exit(1), 100);
    return;
  }

  const publicUrl = config.PUBLIC_URL ?? runtime.url;
  const lines = [
    '',
    `  Deskmate ${version} is running (role ${role}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  Console:  ${publicUrl}/`,
    `  API:      ${publicUrl}/api   Health: ${publicUrl}/healthz`,
    `  Database: ${runtime.embedded ? `embedded PostgreSQL in ${config.DESKMATE_DATA_DIR}/` : 'DATABASE_URL'}`,
    `  Channels: ${channelsLine(bot.integrations, runtime.services.config.SMTP_URL !== undefined)}`,
  ];
  if (runtime.demoData) {
    lines.push('', `  Demo logins (password "${DEMO_PASSWORD}"):`);
    for (const u of demoUsers) lines.push(`    ${u.role.padEnd(9)} ${u.email}`);
  }
  if (runtime.setupCode) {
    lines.push(
      '',
      '  No administrator yet. Create the first one:',
      `    in the console: ${publicUrl}/setup   with the one-time setup code  ${runtime.setupCode}`,
      '    or here:        npx deskmate admin create --email you@example.com',
    );
  }
  if (servesApi) lines.push('', '  Try the chat wizard in this terminal: npm run chat');
  lines.push('', '  Press Ctrl-C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A hard deadline: whatever hangs, the process is gone within 10 s.
    const hard = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 9500);
    hard.unref();
    const running = runtime;
    bot
      .stop()
      .then(() => running.stop())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** Which chat and mail channels are on, for the banner. */
function channelsLine(
  chat: { slack: { configured: boolean; mode: string | null }; teams: { configured: boolean; emulatorOnly: boolean } },
  smtp: boolean,
): string {
  return [
    chat.slack.configured ? `Slack (${chat.slack.mode === 'socket' ? 'Socket Mode' : 'HTTP'})` : 'Slack off',
    chat.teams.configured ? 'Teams' : chat.teams.emulatorOnly ? 'Teams (local emulator only)' : 'Teams off',
    smtp ? 'email (SMTP)' : 'email (dev outbox, no SMTP_URL)',
  ].join(' · ');
}

void main();
