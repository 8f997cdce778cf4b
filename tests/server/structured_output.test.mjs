// Structured output through the official `openai` package, on the tiny random-weight model at
// temperature 1 with several seeds (the worst case: the model has no preference, so only the
// grammar keeps the output valid). Every json_schema answer and every tool call's arguments
// must validate with ajv; truncation gives finish_reason "length" and no tool_calls; schemas
// that cannot be enforced are a 400 naming the keyword.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import OpenAI from 'openai';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startServer, stopServer } from './serve_process.mjs';

const CLI = process.env.ONBOARD_CLI;
const FIXTURES = process.env.ONBOARD_FIXTURES_DIR;
const SOURCE = process.env.ONBOARD_SOURCE_DIR;
assert.ok(CLI && FIXTURES && SOURCE, 'ONBOARD_CLI, ONBOARD_FIXTURES_DIR and ONBOARD_SOURCE_DIR must be set');
const MODEL = path.join(FIXTURES, 'models/tiny-qwen2.gguf');
// The R1-Distill template prefills "<think>\n": reasoning runs free, the grammar holds after it.
const TEMPLATE = path.join(SOURCE, 'tests/text/templates/llamacpp-r1-distill-qwen-32b.jinja');
const SEEDS = [1, 2, 3, 4, 5, 6];

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);

const CLIMATE = {
  type: 'object',
  properties: {
    zone: { enum: ['driver', 'passenger', 'rear'] },
    celsius: { type: 'integer', minimum: 16, maximum: 28 },
    fan: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 8 },
    recirculate: { type: 'boolean' },
    label: { type: 'string', maxLength: 6 },
    plate: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$' },
    seats: { type: 'array', items: { enum: ['front_left', 'front_right'] }, minItems: 1, maxItems: 2 },
    when: { type: 'string', format: 'date' },
    note: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: -5, maximum: 5 }] },
  },
  required: ['zone', 'celsius', 'fan', 'recirculate', 'seats'],
  additionalProperties: false,
};

const TOOLS = [
  { type: 'function', function: { name: 'set_temperature', description: 'Sets the cabin temperature.', parameters: {
    type: 'object',
    properties: { zone: { enum: ['driver', 'passenger'] }, celsius: { type: 'integer', minimum: 16, maximum: 28 } },
    required: ['zone', 'celsius'], additionalProperties: false } } },
  { type: 'function', function: { name: 'open_window', description: 'Opens a window.', parameters: {
    type: 'object',
    properties: { window: { enum: ['front_left', 'front_right', 'rear_left', 'rear_right'] },
                  percent: { type: 'integer', minimum: 0, maximum: 100 } },
    required: ['window', 'percent'], additionalProperties: false } } },
];
const toolSchema = Object.fromEntries(TOOLS.map((t) => [t.function.name, ajv.compile(t.function.parameters)]));

let server, client;
before(async () => {
  server = await startServer(CLI, ['-m', MODEL, '--port', '0', '-c', '1536', '-t', '2', '--slots', '4', '--chat-template', TEMPLATE]);
  client = new OpenAI({ baseURL: `${server.base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 120000 });
});
after(async () => { await stopServer(server); });

const base = (seed, extra) => ({
  model: 'tiny-qwen2', messages: [{ role: 'user', content: 'Make it warmer for the driver' }],
  temperature: 1, seed, max_tokens: 600, reasoning_budget: 4, ...extra,
});

function expectValidCalls(message, only) {
  assert.ok(Array.isArray(message.tool_calls) && message.tool_calls.length > 0, 'tool_calls expected');
  for (const call of message.tool_calls) {
    assert.equal(call.type, 'function');
    assert.ok(typeof call.id === 'string' && call.id.length > 0);
    assert.ok(call.function.name in toolSchema, `unknown function ${call.function.name}`);
    if (only) assert.equal(call.function.name, only);
    assert.equal(typeof call.function.arguments, 'string');
    const args = JSON.parse(call.function.arguments);
    const validate = toolSchema[call.function.name];
    assert.ok(validate(args), `${call.function.arguments}: ${JSON.stringify(validate.errors)}`);
  }
}

test('json_schema answers validate with ajv for every seed', async () => {
  const validate = ajv.compile(CLIMATE);
  const rs = await Promise.all(SEEDS.map((seed) => client.chat.completions.create(base(seed, {
    response_format: { type: 'json_schema', json_schema: { name: 'climate', schema: CLIMATE, strict: true } } }))));
  for (const r of rs) {
    const c = r.choices[0];
    assert.equal(c.finish_reason, 'stop', `seed ran out of tokens: ${c.message.content}`);
    const v = JSON.parse(c.message.content);
    assert.ok(validate(v), `${c.message.content}: ${JSON.stringify(validate.errors)}`);
  }
});

test('tool_choice required, parallel calls: every call validates, or length and no calls', async () => {
  // A model with no preference may chain up to 8 calls and run out of tokens: that must read
  // as "length" with no calls, never as a partial list.
  const rs = await Promise.all(SEEDS.map((seed) => client.chat.completions.create(base(seed, {
    tools: TOOLS, tool_choice: 'required', max_tokens: 900 }))));
  let complete = 0;
  for (const r of rs) {
    const c = r.choices[0];
    if (c.finish_reason === 'length') {
      assert.ok(!c.message.tool_calls || c.message.tool_calls.length === 0);
      continue;
    }
    assert.equal(c.finish_reason, 'tool_calls');
    expectValidCalls(c.message);
    ++complete;
  }
  assert.ok(complete >= SEEDS.length / 2, `only ${complete} of ${SEEDS.length} seeds finished their calls`);
});

test('a named function is the one called, single call without parallel_tool_calls', async () => {
  const rs = await Promise.all(SEEDS.slice(0, 3).map((seed) => client.chat.completions.create(base(seed, {
    tools: TOOLS, tool_choice: { type: 'function', function: { name: 'open_window' } }, parallel_tool_calls: false }))));
  for (const r of rs) {
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    expectValidCalls(r.choices[0].message, 'open_window');
    assert.equal(r.choices[0].message.tool_calls.length, 1);
  }
});

test('streamed tool calls arrive as OpenAI deltas and validate', async () => {
  const stream = await client.chat.completions.create(base(7, { tools: TOOLS, tool_choice: 'required', stream: true }));
  const calls = [];
  let finish = null;
  for await (const chunk of stream) {
    const ch = chunk.choices[0];
    if (!ch) continue;
    for (const d of ch.delta?.tool_calls ?? []) {
      calls[d.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
      if (d.id) calls[d.index].id = d.id;
      if (d.function?.name) calls[d.index].function.name += d.function.name;
      if (d.function?.arguments) calls[d.index].function.arguments += d.function.arguments;
    }
    if (ch.finish_reason) finish = ch.finish_reason;
  }
  assert.equal(finish, 'tool_calls');
  expectValidCalls({ tool_calls: calls });
});

test('truncation: finish_reason length and no tool_calls, streamed or not', async () => {
  for (const seed of SEEDS.slice(0, 3)) {
    const r = await client.chat.completions.create(base(seed, { tools: TOOLS, tool_choice: 'required', max_tokens: 40 }));
    assert.equal(r.choices[0].finish_reason, 'length');
    assert.ok(!r.choices[0].message.tool_calls || r.choices[0].message.tool_calls.length === 0);
  }
  const stream = await client.chat.completions.create(base(1, { tools: TOOLS, tool_choice: 'required', max_tokens: 40, stream: true }));
  let finish = null, sawCall = false;
  for await (const chunk of stream) {
    const ch = chunk.choices[0];
    if (!ch) continue;
    if (ch.delta?.tool_calls?.length) sawCall = true;
    if (ch.finish_reason) finish = ch.finish_reason;
  }
  assert.equal(finish, 'length');
  assert.equal(sawCall, false);
});

async function expect400(extra, needle, param) {
  await assert.rejects(client.chat.completions.create(base(1, extra)), (e) => {
    assert.equal(e.status, 400);
    assert.ok(e.message.includes(needle), e.message);
    if (param) assert.equal(e.param, param);
    return true;
  });
}

test('an unsupported keyword is a 400 naming it', async () => {
  await expect400({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'integer', multipleOf: 5 } } } },
                  "'multipleOf'", 'response_format.json_schema.schema');
  await expect400({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {
    type: 'object', properties: { a: { type: 'string', format: 'email' } } } } } }, "'format' \"email\"");
  await expect400({ tools: [{ type: 'function', function: { name: 'f', parameters: {
    type: 'object', properties: { a: { if: { type: 'string' } } } } } }], tool_choice: 'required' },
                  "'if'", 'tools[0].function.parameters');
});

test('a schema that admits no value is a 400', async () => {
  await expect400({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {
    type: 'object', properties: { t: { type: 'integer', minimum: 30, maximum: 16 } }, required: ['t'] } } } },
                  'admits no value');
  await expect400({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { enum: [] } } } }, 'admits no value');
});

test('strict: false lets an unsupported keyword go unenforced', async () => {
  const r = await client.chat.completions.create(base(2, { response_format: { type: 'json_schema', json_schema: {
    name: 'x', strict: false, schema: { type: 'integer', minimum: 0, maximum: 9, multipleOf: 2 } } } }));
  assert.equal(r.choices[0].finish_reason, 'stop');
  const v = JSON.parse(r.choices[0].message.content);
  assert.ok(Number.isInteger(v) && v >= 0 && v <= 9);
});
