// Builds the engine and the importer with wasm-pack: crates/shequ-wasm into
// web/pkg/ and crates/shequ-import-wasm (Shapefiles, tables, XLSX/Shapefile
// export; loaded lazily by the page) into web/pkg-import/. binaryen's wasm-opt
// (a dev dependency) is put on PATH so that wasm-pack optimises without
// downloading. `npm run wasm -- engine` or `-- import` builds one of them.
import { spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, PATH: web + 'node_modules/.bin' + delimiter + process.env.PATH };
const CRATES = { engine: ['shequ-wasm', 'pkg'], import: ['shequ-import-wasm', 'pkg-import'] };
const [which, ...extra] = process.argv.slice(2);
const chosen = which && !which.startsWith('-') ? [which] : Object.keys(CRATES);
const rest = which && !which.startsWith('-') ? extra : process.argv.slice(2);
for (const name of chosen) {
  const [crate, out] = CRATES[name] ?? [];
  if (!crate) {
    console.error(`wasm: unknown part ${JSON.stringify(name)}; expected one of ${Object.keys(CRATES).join(', ')}`);
    process.exit(2);
  }
  const args = ['build', `../crates/${crate}`, '--target', 'web', '--release', '--out-dir', `../../web/${out}`, ...rest];
  const r = spawnSync('wasm-pack', args, { cwd: web, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
