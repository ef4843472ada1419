// The ticket domain as its callers (routes, chat, email intake, jobs) import it: the commands,
// one file each in commands/, around the change recorder (recorder.ts).
export * from './commands/index.js';
