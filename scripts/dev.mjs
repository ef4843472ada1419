// `npm run dev`: the server in watch mode (tsx, sources through the `development` condition) and
// the console's Vite dev server with hot reload on :5173, proxying /api to the server.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) =>
  [`${root}admin-ui/node_modules/.bin/${name}`, `${root}node_modules/.bin/${name}`].find((p) => existsSync(p)) ?? name;
const children = [
  spawn(bin('tsx'), ['watch', '--conditions=development', '--clear-screen=false', 'src/cli.ts'], {
    cwd: root,
    stdio: 'inherit',
  }),
  spawn(bin('vite'), ['--clearScreen', 'false'], { cwd: `${root}admin-ui`, stdio: 'inherit' }),
];
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children)
  child.on('exit', (code) => {
    stop('SIGTERM');
    process.exitCode ||= code ?? 0;
  });
