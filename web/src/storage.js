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
  // The plan texts go in as Blobs: stored out of line, as UTF-8, so that a
  // city-sized plan (tens of MB) stays under IndexedDB's limit for one value
  // (Chromium: 133 MB, which a 73 MB plan and its baseline as strings exceed).
  const rec = { ...record, savedAt: Date.now() };
  const blobs = new Map(); // right after a load the plan is the baseline: encode it once
  for (const f of TEXTS) {
    const text = rec[f]; // a string, or the bytes of the file as loaded
    if (typeof text !== 'string' && !(text instanceof Uint8Array)) continue;
    if (!blobs.has(text)) blobs.set(text, new Blob([text], { type: 'application/geo+json' }));
    rec[f] = blobs.get(text);
  }
  return run('readwrite', (s) => s.put(rec, key));
}

const TEXTS = ['plan', 'baseline'];

export async function load(key) {
  try {
    const rec = await run('readonly', (s) => s.get(key));
    if (!rec) return undefined;
    for (const f of TEXTS) if (rec[f] instanceof Blob) rec[f] = await rec[f].text();
    return rec;
  } catch {
    return undefined;
  }
}

export function has(key) {
  return run('readonly', (s) => s.count(key)).then((n) => n > 0, () => false);
}

export function clear(key) {
  return run('readwrite', (s) => s.delete(key));
}
