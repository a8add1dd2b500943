// idb.js: the kiosk's IndexedDB. "settings" holds the device credential and
// the last configuration; "queue" the punches waiting for the server;
// "refused" those the server refused after an offline upload, kept so that
// nothing disappears without a trace.
const NAME = 'kintai-kiosk';
const VERSION = 1;

let opened = null;

function open() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('settings')) db.createObjectStore('settings');
      if (!db.objectStoreNames.contains('queue')) db.createObjectStore('queue', { keyPath: 'client_key' });
      if (!db.objectStoreNames.contains('refused')) db.createObjectStore('refused', { keyPath: 'client_key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

async function run(store, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** get returns the setting key, or undefined. */
export const get = (key) => run('settings', 'readonly', (s) => s.get(key));
/** set stores the setting key. */
export const set = (key, value) => run('settings', 'readwrite', (s) => s.put(value, key));
/** unset removes the setting key. */
export const unset = (key) => run('settings', 'readwrite', (s) => s.delete(key));

/** enqueue keeps a punch until the server has it; the write is durable before it resolves. */
export const enqueue = (item) => run('queue', 'readwrite', (s) => s.put(item));
/** queued lists the waiting punches, oldest first. */
export async function queued() {
  const all = await run('queue', 'readonly', (s) => s.getAll());
  return all.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
}
/** dequeue removes the punch with client_key from the queue. */
export const dequeue = (key) => run('queue', 'readwrite', (s) => s.delete(key));
/** queueCount counts the waiting punches. */
export const queueCount = () => run('queue', 'readonly', (s) => s.count());

/** setAside moves a punch the server refused out of the queue, with the reason. */
export async function setAside(item, error) {
  await run('refused', 'readwrite', (s) => s.put({ ...item, error }));
  await dequeue(item.client_key);
}
/** refusedCount counts the punches set aside. */
export const refusedCount = () => run('refused', 'readonly', (s) => s.count());
