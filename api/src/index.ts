export { loadConfig, ConfigError, configSchema, defaultHost, type Config } from './config.js';
export { createLogger, silentLogger, type Logger } from './logger.js';
export { startRuntime, type Runtime, type RuntimeOptions, type Role } from './runtime.js';
export { systemClock, FakeClock, type Clock } from './clock.js';
export { DataDirBusyError, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded.js';
export { runMigrations, migrationsFolder } from './db/migrate.js';
export { createDatabase, pingDatabase, type Database, type Db } from './db/client.js';
export { DEMO_PASSWORD, demoUsers, seedDemoData } from './db/seed.js';
export * as schema from './db/schema.js';
