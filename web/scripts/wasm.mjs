// Builds the WebAssembly parts with wasm-pack: the engine (crates/shequ-wasm)
// into web/pkg/; the importer (crates/shequ-import-wasm: Shapefiles, tables,
// XLSX/Shapefile export; loaded lazily by the page) into web/pkg-import/; and
// the engine again with the cargo feature `adjust` (suggest and repair, run by
// the page in a worker loaded on first use, src/adjust/) into web/pkg-adjust/.
// binaryen's wasm-opt (a dev dependency) is put on PATH so that wasm-pack
// optimises without downloading. `npm run wasm -- engine`, `-- import` or
// `-- adjust` builds one of them; further arguments go to wasm-pack (cargo's
// after a `--`).
import { spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, PATH: web + 'node_modules/.bin' + delimiter + process.env.PATH };
// part: [crate, output folder, cargo arguments]
const CRATES = {
  engine: ['shequ-wasm', 'pkg', []],
  import: ['shequ-import-wasm', 'pkg-import', []],
  adjust: ['shequ-wasm', 'pkg-adjust', ['--features', 'adjust']],
};
const [which, ...extra] = process.argv.slice(2);
const chosen = which && !which.startsWith('-') ? [which] : Object.keys(CRATES);
const rest = which && !which.startsWith('-') ? extra : process.argv.slice(2);
for (const name of chosen) {
  const [crate, out, cargo] = CRATES[name] ?? [];
  if (!crate) {
    console.error(`wasm: unknown part ${JSON.stringify(name)}; expected one of ${Object.keys(CRATES).join(', ')}`);
    process.exit(2);
  }
  // wasm-pack passes what follows `--` to cargo: the part's own arguments join any given there.
  const dash = rest.indexOf('--');
  const own = dash < 0 ? rest : rest.slice(0, dash), forCargo = dash < 0 ? [] : rest.slice(dash + 1);
  const args = ['build', `../crates/${crate}`, '--target', 'web', '--release', '--out-dir', `../../web/${out}`, ...own];
  if (cargo.length || forCargo.length) args.push('--', ...cargo, ...forCargo);
  const r = spawnSync('wasm-pack', args, { cwd: web, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
