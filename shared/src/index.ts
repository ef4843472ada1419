export * from './errors.js';
export * from './health.js';
export * from './domain.js';
export * from './roles.js';
export * from './client.js';
export * from './links.js';
export * from './kb-client.js';
export * from './api/index.js';
export * as wizard from './wizard/index.js';
