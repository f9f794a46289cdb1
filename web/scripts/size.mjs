// Reports the gzipped size of what the page downloads and enforces the budget.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const BUDGET_JS_GZ = 100 * 1024; // app + Leaflet
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + ' KB';

let js = 0, css = 0;
for (const f of readdirSync(dist + 'assets')) {
  const n = gz(dist + 'assets/' + f);
  if (f.endsWith('.js')) js += n;
  if (f.endsWith('.css')) css += n;
  if (/\.(js|css)$/.test(f)) console.log(`  ${f.padEnd(36)} ${kb(n)} gzipped`);
}
const glue = dist + 'pkg/shequ_wasm.js', wasm = dist + 'pkg/shequ_wasm_bg.wasm';
console.log(`JS ${kb(js)} gzipped (budget ${kb(BUDGET_JS_GZ)}), CSS ${kb(css)} gzipped`);
if (existsSync(wasm)) console.log(`engine: glue ${kb(gz(glue))}, wasm ${kb(gz(wasm))} gzipped`);
if (js > BUDGET_JS_GZ) {
  console.error('size budget exceeded');
  process.exit(1);
}
