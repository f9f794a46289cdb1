// Puts the files the build serves verbatim into public/: the wasm-pack output
// (pkg/ → public/pkg/, served as static files so that a fresh module instance
// can be imported after a crash; pkg-import/ and pkg-adjust/, loaded on first
// use), the small plan the engine warms up on, and the demo district.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const pkg = web + 'pkg';
const demo = web + '../tests/data/demo.geojson';

mkdirSync(web + 'public', { recursive: true });
rmSync(web + 'public/pkg', { recursive: true, force: true });
if (existsSync(pkg + '/shequ_wasm.js')) {
  cpSync(pkg, web + 'public/pkg', {
    recursive: true,
    filter: (src) => !/(\.gitignore|package\.json|README\.md)$/.test(src),
  });
} else {
  console.warn('stage: web/pkg/ not built yet (run `npm run wasm`); the page will say the engine is missing');
}
// The small plan the engine bridge warms the module up on (EngineBridge.warmUp), beside the module.
const warmup = web + '../tests/data/warmup.geojson';
if (existsSync(web + 'public/pkg') && existsSync(warmup)) cpSync(warmup, web + 'public/pkg/warmup.geojson');
// The importer (pkg-import/) and the engine with suggest and repair (pkg-adjust/): loaded on first use.
const LAZY = [
  ['pkg-import', 'shequ_import_wasm.js', 'importing Shapefiles and tables in the page will say so'],
  ['pkg-adjust', 'shequ_wasm.js', 'Suggest and Repair in the page will say so'],
];
for (const [dir, glue, missing] of LAZY) {
  rmSync(web + 'public/' + dir, { recursive: true, force: true });
  if (existsSync(web + dir + '/' + glue)) {
    cpSync(web + dir, web + 'public/' + dir, {
      recursive: true,
      filter: (src) => !/(\.gitignore|package\.json|README\.md)$/.test(src),
    });
  } else {
    console.warn(`stage: web/${dir}/ not built yet (run \`npm run wasm\`); ${missing}`);
  }
}
rmSync(web + 'public/demo.geojson', { force: true });
if (existsSync(demo)) cpSync(demo, web + 'public/demo.geojson');
else console.warn('stage: tests/data/demo.geojson not found; the demo button will report it');
