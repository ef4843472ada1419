/* global self, caches, __PRECACHE__ */
// Deskmate's service worker: the console's shell is cached so that it opens fast and offline and
// can be installed. The API is never cached: tickets are always read live. The build fills in
// the version and the precache list below (see vite.config.ts).
const VERSION = '__VERSION__';
const CACHE = `deskmate-shell-${VERSION}`;
const PRECACHE = __PRECACHE__;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith('deskmate-shell-') && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') return;

  // Pages: the network first (a new deployment shows at once), the cached shell when offline.
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() =>
        caches.match('/index.html').then((r) => r || new Response('Offline', { status: 503 })),
      ),
    );
    return;
  }

  // Files of the shell without a hash in their name (theme.js, the manifest): the network first.
  if (PRECACHE.includes(url.pathname) && !url.pathname.startsWith('/assets/')) {
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname).then((r) => r || Response.error())));
    return;
  }

  // Hashed assets never change: the cache first, and chunks loaded later are kept too.
  if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/icons/')) {
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return res;
          }),
      ),
    );
  }
});
