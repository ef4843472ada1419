export * from './common.js';
export * from './users.js';
export * from './auth.js';
export * from './tickets.js';
