import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths that may hold secrets; pino replaces their values before anything is written. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.secret',
  'databaseUrl',
];

export interface LoggerSettings {
  level: string;
  pretty?: boolean | undefined;
  name?: string;
}

/** JSON logs by default; pretty when stdout is a terminal (or LOG_PRETTY says so). */
export function createLogger(settings: LoggerSettings): Logger {
  const pretty = settings.pretty ?? Boolean(process.stdout.isTTY);
  const options: LoggerOptions = {
    name: settings.name ?? 'deskmate',
    level: settings.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        // One line per entry (a request log's req/res fields stay on its line), so the banner stays readable.
        options: {
          colorize: true,
          translateTime: 'HH:MM:ss.l',
          ignore: 'pid,hostname,name,req,res,responseTime',
          singleLine: true,
        },
      },
    });
  }
  return pino(options);
}

/**
 * A logger with the production settings (level and redaction) that keeps every line it writes,
 * for tests that check what reaches the log.
 */
export function captureLogger(level = 'trace'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { name: 'deskmate', level, redact: { paths: redactPaths, censor: '[redacted]' } },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, lines };
}

/** A logger that writes nothing, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
