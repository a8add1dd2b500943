// sw.js: the kiosk's service worker, served as /kiosk/sw.js with scope
// /kiosk. It keeps the kiosk page and every file it loads (scripts, models,
// WASM) so that a reload while the server is unreachable still shows a
// working kiosk. The server fills in BUILD (changes with any of the files)
// and FILES. API calls are never cached: they go to the network, and the
// page queues punches itself when that fails.
const BUILD = "__BUILD__";
const FILES = ["__FILES__"];
const CACHE = `kintai-kiosk-${BUILD}`;

self.addEventListener('install', (ev) => {
  ev.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil((async () => {
    for (const k of await caches.keys()) {
      if (k.startsWith('kintai-kiosk-') && k !== CACHE) await caches.delete(k);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (url.pathname === '/kiosk') {
    // The page: the server's when it answers (a new version is seen at
    // once), else the kept copy.
    ev.respondWith((async () => {
      try {
        const resp = await fetch(req);
        if (resp.ok) (await caches.open(CACHE)).put('/kiosk', resp.clone());
        return resp;
      } catch (e) {
        const kept = await caches.match('/kiosk');
        if (kept) return kept;
        throw e;
      }
    })());
    return;
  }
  if (FILES.includes(url.pathname)) {
    // Files: each BUILD has its own copy, so the kept one is always right.
    ev.respondWith((async () => (await caches.match(url.pathname)) || fetch(req))());
  }
});
