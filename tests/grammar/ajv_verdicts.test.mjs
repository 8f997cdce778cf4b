// The labels of json_schema_cases.json checked by an independent validator: ajv (JSON Schema
// 2020-12, with ajv-formats). json_schema_test.cpp checks our compiled grammars against the
// same labels, so the grammar and ajv agree on every instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = path.dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(path.join(here, 'json_schema_cases.json'), 'utf8'));

for (const c of cases) {
  test(`ajv agrees with the labels: ${c.name}`, () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(c.schema);
    for (const v of c.valid) assert.equal(validate(v), true, `${JSON.stringify(v)} should be valid`);
    for (const v of c.invalid) assert.equal(validate(v), false, `${JSON.stringify(v)} should be invalid`);
  });
}
