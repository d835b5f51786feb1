// The label table (gateway/web/ui/js/i18n.js): both languages carry the same
// keys and placeholders, every key the pages use exists, bilingual titles
// split, and every enum value of the protos the UI shows has a label.
import './setup.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { STRINGS, t, tEnum, setLang, localTitle } from '../../../gateway/web/ui/js/i18n.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const jsDir = join(repo, 'gateway', 'web', 'ui', 'js');

test('zh and en have the same keys and placeholders', () => {
  const zh = Object.keys(STRINGS.zh).sort();
  const en = Object.keys(STRINGS.en).sort();
  assert.deepEqual(en, zh);
  const ph = (s) => (s.match(/\{\w+\}/g) || []).sort().join(',');
  for (const k of zh) assert.equal(ph(STRINGS.en[k]), ph(STRINGS.zh[k]), `placeholders of ${k}`);
});

test('every t("...") key used by the pages exists', () => {
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name));
      else if (f.name.endsWith('.js')) files.push(join(d, f.name));
    }
  };
  walk(jsDir);
  const missing = [];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z_]+\.[a-z0-9_]+)'/g)) {
      if (!(m[1] in STRINGS.zh)) missing.push(`${f}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('enum values of the protos shown by the UI all have labels', () => {
  const protoDir = join(repo, 'proto', 'datarun', 'v1');
  const wanted = ['CaseState', 'StepState', 'MaterialStatus', 'CaseEventKind', 'ShareType',
    'Sensitivity', 'MaskingRule', 'SubjectKind', 'FieldType', 'AuditDecision', 'UngrantedFields'];
  const missing = [];
  for (const f of readdirSync(protoDir)) {
    const src = readFileSync(join(protoDir, f), 'utf8');
    for (const m of src.matchAll(/enum (\w+) \{([^}]*)\}/g)) {
      if (!wanted.includes(m[1])) continue;
      for (const v of m[2].matchAll(/^\s*([A-Z0-9_]+) = \d+;/gm)) {
        if (!(`enum.${v[1]}` in STRINGS.zh)) missing.push(v[1]);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('lookup, interpolation, enum fallback and bilingual titles', () => {
  setLang('en');
  assert.equal(t('desk.records', { n: 3 }), '3 record(s)');
  assert.equal(tEnum('CASE_STATE_COMPLETED'), 'Completed');
  assert.equal(tEnum('CASE_STATE_FROM_THE_FUTURE'), 'CASE_STATE_FROM_THE_FUTURE');
  assert.equal(t('no.such_key'), 'no.such_key');
  const title = '存量房转移登记 Second-hand property transfer registration';
  assert.equal(localTitle(title), 'Second-hand property transfer registration');
  setLang('zh');
  assert.equal(t('desk.records', { n: 3 }), '3 条记录');
  assert.equal(localTitle(title), '存量房转移登记');
  assert.equal(localTitle('不动产权证书 Title certificate'), '不动产权证书');
  assert.equal(localTitle('plain title'), 'plain title');
  assert.equal(localTitle('税务局 Tax Bureau', 'en'), 'Tax Bureau');
});
