#!/usr/bin/env node
// Inlines widget.css (lightly minified) into widget.js between the
// /*CSS-START*/ and /*CSS-END*/ markers, so the storefront needs one request.
// Usage: node app/static/widget/build.mjs [--check]
//   --check  exit 1 if widget.js is not up to date (for CI), write nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const jsPath = join(dir, 'widget.js');
const css = readFileSync(join(dir, 'widget.css'), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\s+/g, ' ')
  .replace(/\s*([{};,>+~])\s*/g, '$1')
  .replace(/:\s+/g, ':')
  .replace(/;}/g, '}')
  .trim();

const START = '/*CSS-START*/';
const END = '/*CSS-END*/';
const js = readFileSync(jsPath, 'utf8');
const a = js.indexOf(START);
const b = js.indexOf(END);
if (a < 0 || b < a) {
  console.error('build.mjs: CSS markers not found in widget.js');
  process.exit(2);
}
const out = js.slice(0, a + START.length) + JSON.stringify(css) + js.slice(b);
if (process.argv.includes('--check')) {
  if (out !== js) {
    console.error('widget.js is stale: run node app/static/widget/build.mjs');
    process.exit(1);
  }
  console.log('widget.js is up to date');
} else {
  writeFileSync(jsPath, out);
  console.log(`inlined ${css.length} bytes of CSS into widget.js`);
}
