// Autosave in IndexedDB: the plan after every edit, restored on reload.
const DB = 'shequ';
const STORE = 'autosave';

let dbPromise;

function open() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
  return dbPromise;
}

function run(mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  }));
}

/**
 * Record: {plan, fileName, profile, baseline, baselineName, savedAt}.
 * `baseline` is the plan as first loaded, so the comparison survives a reload.
 */
export function save(key, record) {
  return run('readwrite', (s) => s.put({ ...record, savedAt: Date.now() }, key));
}

export function load(key) {
  return run('readonly', (s) => s.get(key)).catch(() => undefined);
}

export function clear(key) {
  return run('readwrite', (s) => s.delete(key));
}
