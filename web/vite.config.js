import { defineConfig } from 'vite';
import { csp } from './scripts/csp.mjs';

// The CSP goes into the built pages only: the dev server injects styles inline.
const cspMeta = {
  name: 'shequ-csp',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: csp(process.env.SHEQU_TILE_ORIGINS || '') }, injectTo: 'head-prepend' },
  ],
};

export default defineConfig({
  base: './',
  plugins: [cspMeta],
  // The suggest-and-repair worker (src/adjust/worker.js) is a module worker: it imports pkg-adjust/ at run time.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: false,
    rollupOptions: {
      input: {
        index: 'index.html',
        embed: 'embed.html',
        portal: 'examples/portal.html',
        element: 'examples/element.html',
        iframe: 'examples/iframe.html',
      },
    },
  },
});
