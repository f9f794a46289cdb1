// Reports the gzipped size of what the page downloads and enforces the budget.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const BUDGET_JS_GZ = 100 * 1024; // app + Leaflet
// The engine's .wasm (gzip -9), downloaded before the first report: 600 KB
// (600,000 bytes), so that it stops growing unnoticed; a feature pays for its
// bytes or loads lazily (suggest and repair are a feature of the binding, left
// out of this build: crates/shequ-wasm/Cargo.toml).
const BUDGET_WASM_GZ = 600 * 1000;
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + ' KB';

// The entry chunks of the other pages (embed.html, examples/*.html): the
// planner's page never downloads them (vite.config.js rollupOptions.input).
const OTHER_PAGES = /^(embed|portal|element|iframe|embed-examples)-[\w-]{8}\.(js|css)$/;

// What the planner page loads at start: index.html's entry chunk and the
// chunks it imports statically. Chunks reached only through import() (the
// importer, the print sheets, the exports, suggest and repair and their
// worker) load on first use, and are listed but not counted.
const atStart = new Set();
const queue = [...readFileSync(dist + 'index.html', 'utf8').matchAll(/<script[^>]+src="\.\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
while (queue.length) {
  const f = queue.pop();
  if (atStart.has(f) || !existsSync(dist + 'assets/' + f)) continue;
  atStart.add(f);
  for (const m of readFileSync(dist + 'assets/' + f, 'utf8').matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)) queue.push(m[1]);
}

// Style sheets: those index.html links; a lazily loaded module's own (adjust/) comes with it.
const cssAtStart = new Set([...readFileSync(dist + 'index.html', 'utf8').matchAll(/<link[^>]+href="\.\/assets\/([^"]+\.css)"/g)].map((m) => m[1]));

let js = 0, css = 0;
for (const f of readdirSync(dist + 'assets')) {
  const n = gz(dist + 'assets/' + f);
  if (OTHER_PAGES.test(f)) {
    console.log(`  ${f.padEnd(36)} ${kb(n)} gzipped (another page)`);
    continue;
  }
  if ((f.endsWith('.js') && atStart.size && !atStart.has(f)) || (f.endsWith('.css') && cssAtStart.size && !cssAtStart.has(f))) {
    console.log(`  ${f.padEnd(36)} ${kb(n)} gzipped (loaded on first use)`);
    continue;
  }
  if (f.endsWith('.js')) js += n;
  if (f.endsWith('.css')) css += n;
  if (/\.(js|css)$/.test(f)) console.log(`  ${f.padEnd(36)} ${kb(n)} gzipped`);
}
const glue = dist + 'pkg/shequ_wasm.js', wasm = dist + 'pkg/shequ_wasm_bg.wasm';
console.log(`JS ${kb(js)} gzipped (budget ${kb(BUDGET_JS_GZ)}), CSS ${kb(css)} gzipped`);
let over = js > BUDGET_JS_GZ;
if (existsSync(wasm)) {
  const w = gz(wasm);
  console.log(`engine: glue ${kb(gz(glue))}, wasm ${kb(w)} gzipped (budget ${kb(BUDGET_WASM_GZ)}), ${kb(statSync(wasm).size)} raw`);
  if (w > BUDGET_WASM_GZ) {
    console.error(`size budget exceeded: the engine's .wasm is ${kb(w)} gzipped, over ${kb(BUDGET_WASM_GZ)} (see the profiles in Cargo.toml and crates/shequ-core/src/order.rs)`);
    over = true;
  }
}
// The importer (Shapefiles, tables) loads only when the user imports one: reported, no budget.
const importWasm = dist + 'pkg-import/shequ_import_wasm_bg.wasm';
if (existsSync(importWasm)) console.log(`importer (loaded on first import): wasm ${kb(gz(importWasm))} gzipped, ${kb(statSync(importWasm).size)} raw`);
// The engine with suggest and repair (feature `adjust`), run in a worker when first asked for: reported, no budget.
const adjustWasm = dist + 'pkg-adjust/shequ_wasm_bg.wasm';
if (existsSync(adjustWasm)) console.log(`suggest and repair (loaded on first use): wasm ${kb(gz(adjustWasm))} gzipped, ${kb(statSync(adjustWasm).size)} raw`);
if (over) {
  console.error('size budget exceeded');
  process.exit(1);
}
