// Builds the engine with wasm-pack into web/pkg/. binaryen's wasm-opt (a dev
// dependency) is put on PATH so that wasm-pack optimises without downloading.
import { spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, PATH: web + 'node_modules/.bin' + delimiter + process.env.PATH };
const args = ['build', '../crates/shequ-wasm', '--target', 'web', '--release', '--out-dir', '../../web/pkg', ...process.argv.slice(2)];
const r = spawnSync('wasm-pack', args, { cwd: web, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
