import { z } from 'zod';

const optional = (schema: z.ZodType<string>) => schema.optional();

/**
 * The bots' environment variables (Slack, Teams). Validated at start with the API's; the README
 * table lists both. A channel runs when its credentials are set, and stays off otherwise.
 */
export const botConfigSchema = {
  // The API's own variable, read here too: links in chat messages point at the console.
  PUBLIC_URL: {
    schema: optional(z.url({ message: 'must be an absolute URL such as https://desk.example.com' })),
    secret: false,
    doc: 'The URL people reach Deskmate at (links in chat and email). Default http://HOST:PORT.',
  },
  SLACK_BOT_TOKEN: {
    schema: optional(z.string().regex(/^xoxb-/, 'must be a Slack bot token (xoxb-…)')),
    secret: true,
    doc: 'Slack bot token (xoxb-…). With SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) it turns Slack on.',
  },
  SLACK_SIGNING_SECRET: {
    schema: optional(z.string().min(16, 'must be the Slack app’s signing secret')),
    secret: true,
    doc: 'Verifies requests from Slack at POST /slack/events (HTTP mode).',
  },
  SLACK_APP_TOKEN: {
    schema: optional(z.string().regex(/^xapp-/, 'must be a Slack app-level token (xapp-…)')),
    secret: true,
    doc: 'App-level token (xapp-…, scope connections:write): use Socket Mode instead of a public URL.',
  },
  SLACK_TRIAGE_CHANNEL: {
    schema: optional(z.string().regex(/^[CG][A-Z0-9]{6,}$/, 'must be a Slack channel id such as C0123456789')),
    secret: false,
    doc: 'Channel id where each new ticket gets a card with Claim / Assign / Priority / Resolve.',
  },
  SLACK_API_URL: {
    schema: z.url({ message: 'must be a URL such as https://slack.com/api/' }).default('https://slack.com/api/'),
    secret: false,
    doc: 'Slack Web API base (for a proxy, or a local stand-in of Slack in tests).',
  },
  MICROSOFT_APP_ID: {
    schema: optional(z.string().min(1)),
    secret: false,
    doc: 'Azure Bot registration app id. Unset: the Teams endpoint (POST /api/messages) runs without authentication, for the Bot Framework Emulator only.',
  },
  MICROSOFT_APP_PASSWORD: {
    schema: optional(z.string().min(1)),
    secret: true,
    doc: 'Azure Bot client secret.',
  },
  MICROSOFT_APP_TENANT_ID: {
    schema: optional(z.string().min(1)),
    secret: false,
    doc: 'Azure tenant id for a single-tenant bot; unset for multi-tenant.',
  },
} as const;

type Schemas = { [K in keyof typeof botConfigSchema]: (typeof botConfigSchema)[K]['schema'] };
export type BotConfig = { [K in keyof Schemas]: z.output<Schemas[K]> };

export class BotConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Configuration error: ${variable} ${reason}`);
    this.name = 'BotConfigError';
  }
}

export function loadBotConfig(env: Record<string, string | undefined>): BotConfig {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(botConfigSchema)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'is invalid';
      throw new BotConfigError(name, message.startsWith('must') ? message : `is invalid: ${message}`);
    }
    out[name] = parsed.data;
  }
  return out as BotConfig;
}
