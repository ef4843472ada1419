export * from './common.js';
export * from './users.js';
export * from './auth.js';
export * from './tickets.js';
export * from './chat.js';
export * from './kb.js';
export * from './sla.js';
export * from './delivery.js';
