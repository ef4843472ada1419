import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Emit the service worker with the list of files that make up the shell (the entry chunk, what it
 * imports statically, its CSS, index.html, manifest and icons) and a version that changes with them.
 */
function serviceWorker(): Plugin {
  return {
    name: 'deskmate-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shell = new Set<string>(['/index.html', '/manifest.webmanifest', '/theme.js', '/icons/icon-192.png']);
      const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
      const visit = (name: string) => {
        const chunk = bundle[name];
        if (!chunk || shell.has(`/${name}`)) return;
        shell.add(`/${name}`);
        if (chunk.type === 'chunk') {
          chunk.imports.forEach(visit);
          chunk.viteMetadata?.importedCss.forEach((css) => shell.add(`/${css}`));
        }
      };
      if (entry) visit(entry.fileName);
      const list = [...shell].sort();
      const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(new URL('./src/sw.js', import.meta.url), 'utf8')
        .replace("'__VERSION__'", JSON.stringify(version))
        .replace('= __PRECACHE__;', `= ${JSON.stringify(list, null, 2)};`);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

/**
 * The dev server forwards /api to Deskmate with the browser's own Host header, so that the API's
 * strict Origin check (ADR 4) sees the page's origin as its own, as it would in production.
 */
const api = (target: string): ProxyOptions => ({
  target,
  configure: (proxy) => {
    proxy.on('proxyReq', (proxyReq, req) => {
      if (req.headers.host) proxyReq.setHeader('host', req.headers.host);
    });
  },
});

export default defineConfig({
  plugins: [react(), serviceWorker()],
  resolve: { conditions: ['development'] },
  server: {
    port: 5173,
    proxy: { '/api': api('http://127.0.0.1:3000'), '/healthz': api('http://127.0.0.1:3000') },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // React and the router change rarely: their own long-cached chunk.
        codeSplitting: {
          groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ }],
        },
      },
    },
  },
});
