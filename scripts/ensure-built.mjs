// Build what is out of date before `npm start`: TypeScript incrementally (tsc -b), the console
// only when a source file is newer than its last build. A fresh clone builds everything once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name, dir = root) =>
  [join(dir, 'node_modules', '.bin', name), join(root, 'node_modules', '.bin', name)].find((p) => existsSync(p)) ??
  name;

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.error) console.error(`Could not run ${cmd}: ${r.error.message}. Did \`npm install\` finish?`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newest(dir) {
  let max = 0;
  if (!existsSync(dir)) return max;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const firstBuild = !existsSync(join(root, 'dist', 'cli.js'));
// A first build takes a while on a small machine: say what is happening instead of going quiet.
const say = (line) => process.stdout.write(`${line}\n`);
if (firstBuild) say('Building Deskmate for its first start (about half a minute)…');
if (firstBuild) say('  1/2 TypeScript: shared, kb, api, bot');
run(bin('tsc'), ['-b', 'tsconfig.build.json']);
if (firstBuild) say(`      done in ${seconds()}`);

const built = join(root, 'admin-ui', 'dist', 'index.html');
const sources = Math.max(
  newest(join(root, 'admin-ui', 'src')),
  newest(join(root, 'admin-ui', 'public')),
  newest(join(root, 'shared', 'src')),
  statSync(join(root, 'admin-ui', 'index.html')).mtimeMs,
  statSync(join(root, 'admin-ui', 'vite.config.ts')).mtimeMs,
);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  say(firstBuild ? '  2/2 the web console (Vite)' : 'Rebuilding the web console (its sources changed)…');
  run(bin('vite', join(root, 'admin-ui')), ['build', '--logLevel', 'warn'], join(root, 'admin-ui'));
  say(`      done in ${seconds()}`);
}
if (firstBuild) say(`Built in ${seconds()}; starting…`);
