// Bundles the dashboard into dist/: src/main.js and its npm dependencies into one ES module
// (dist/app.js) with esbuild, next to the page and its stylesheet. Nothing is loaded from
// a CDN, so the page works offline. Usage: `npm run build` (after `npm ci`).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const started = Date.now();
await build({
  entryPoints: [join(here, 'src', 'main.js')],
  outfile: join(dist, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css']) copyFileSync(join(here, 'src', file), join(dist, file));
console.log(`dashboard: built dist/ in ${Date.now() - started} ms`);
