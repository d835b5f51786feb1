// Every page module links (its imports exist, its syntax parses) and
// exports render(); app.js, which starts the page, parses.
import './setup.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const jsDir = join(here, '..', '..', '..', 'gateway', 'web', 'ui', 'js');

test('every view module links and exports render()', async () => {
  const views = readdirSync(join(jsDir, 'views')).filter((f) => f.endsWith('.js'));
  assert.ok(views.length >= 9, `found ${views.length} view modules`);
  for (const f of views) {
    const mod = await import(pathToFileURL(join(jsDir, 'views', f)).href);
    if (f !== 'common.js') assert.equal(typeof mod.render, 'function', `${f} exports render`);
  }
});

test('app.js parses', () => {
  execFileSync(process.execPath, ['--check', join(jsDir, 'app.js')]);
});
