// tool_choice "none" and logit_bias through the official `openai` package, on the tiny
// DeepSeek-V3 fixture, whose vocabulary has the tool-call block's opening token as one token.
// logit_bias +100 on that token makes the model open the block at once: under "auto" that
// must become a tool call (so the test can tell), under "none" it must not (the token is
// banned and nothing parses as a call). Also: tool arguments with number bounds validate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import OpenAI from 'openai';
import Ajv2020 from 'ajv/dist/2020.js';
import { startServer, stopServer } from './serve_process.mjs';

const CLI = process.env.ONBOARD_CLI;
const FIXTURES = process.env.ONBOARD_FIXTURES_DIR;
const SOURCE = process.env.ONBOARD_SOURCE_DIR;
assert.ok(CLI && FIXTURES && SOURCE, 'ONBOARD_CLI, ONBOARD_FIXTURES_DIR and ONBOARD_SOURCE_DIR must be set');
const MODEL = path.join(FIXTURES, 'models/tiny-v3-mla.gguf');
const TEMPLATE = path.join(SOURCE, 'tests/text/templates/deepseek-v3.jinja');
const TOOL_CALLS_BEGIN = '<｜tool▁calls▁begin｜>';

const TOOLS = [
  { type: 'function', function: { name: 'set_temperature', description: 'Sets the cabin temperature.', parameters: {
    type: 'object',
    properties: { zone: { enum: ['driver', 'passenger'] }, celsius: { type: 'number', minimum: 16.5, maximum: 28.5 } },
    required: ['zone', 'celsius'], additionalProperties: false } } },
];
const validArgs = new Ajv2020({ strict: false }).compile(TOOLS[0].function.parameters);

let server, client, beginId;
before(async () => {
  server = await startServer(CLI, ['-m', MODEL, '--port', '0', '-c', '1024', '-t', '2', '--slots', '2', '--chat-template', TEMPLATE]);
  client = new OpenAI({ baseURL: `${server.base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 120000 });
  // The token's id, from the model's own tokenizer (onboard tokenize).
  const { execFileSync } = await import('node:child_process');
  const ids = JSON.parse(execFileSync(CLI, ['tokenize', '--model', MODEL, '--ids', '--no-bos', TOOL_CALLS_BEGIN]).toString());
  assert.equal(ids.length, 1, 'the fixture vocabulary has the opening token as one token');
  beginId = ids[0];
});
after(async () => { await stopServer(server); });

const ask = (seed, extra) => client.chat.completions.create({
  model: 'tiny-v3-mla', messages: [{ role: 'user', content: 'Make it warmer for the driver' }],
  temperature: 1, seed, max_tokens: 300, tools: TOOLS, ...extra,
});

test('auto with the opening token pushed: the model calls, with arguments inside the number bounds', async () => {
  let called = 0;
  for (const seed of [1, 2, 3]) {
    const r = await ask(seed, { tool_choice: 'auto', logit_bias: { [beginId]: 100 } });
    const m = r.choices[0].message;
    if (r.choices[0].finish_reason === 'length') continue;  // a block cut short yields no calls
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    assert.ok(m.tool_calls.length > 0);
    ++called;
    for (const c of m.tool_calls) {
      const args = JSON.parse(c.function.arguments);
      assert.ok(validArgs(args), `${c.function.arguments}: ${JSON.stringify(validArgs.errors)}`);
    }
  }
  assert.ok(called > 0, 'no seed produced a complete call');
});

test('none: even pushed to open the block, the answer calls no tool and holds no call syntax', async () => {
  for (const seed of [1, 2, 3]) {
    const r = await ask(seed, { tool_choice: 'none', logit_bias: { [beginId]: 100 }, max_tokens: 40 });
    const c = r.choices[0];
    assert.notEqual(c.finish_reason, 'tool_calls');
    assert.ok(!c.message.tool_calls || c.message.tool_calls.length === 0, JSON.stringify(c.message.tool_calls));
    assert.ok(!(c.message.content ?? '').includes(TOOL_CALLS_BEGIN), c.message.content);
  }
});

test('logit_bias -100 bans a token; malformed logit_bias is a 400 naming it', async () => {
  // Greedy picks some first token; banned, the greedy answer must start differently.
  const plain = { model: 'tiny-v3-mla', messages: [{ role: 'user', content: 'hi' }], temperature: 0, max_tokens: 1, logprobs: true };
  const r1 = await client.chat.completions.create(plain);
  const first = r1.choices[0].logprobs.content[0].token;
  const { execFileSync } = await import('node:child_process');
  const ids = JSON.parse(execFileSync(CLI, ['tokenize', '--model', MODEL, '--ids', '--no-bos', '--no-parse-special', first]).toString());
  assert.equal(ids.length, 1);
  const r2 = await client.chat.completions.create({ ...plain, logit_bias: { [ids[0]]: -100 } });
  assert.notEqual(r2.choices[0].logprobs.content[0].token, first);
  for (const [lb, needle] of [[{ abc: 1 }, 'token ids'], [{ 5: 101 }, 'between -100 and 100'], [{ 99999999: 1 }, 'vocabulary'], [[1], 'an object']]) {
    await assert.rejects(client.chat.completions.create({ ...plain, logit_bias: lb }), (e) => {
      assert.equal(e.status, 400);
      assert.equal(e.param, 'logit_bias');
      assert.ok(e.message.includes(needle), e.message);
      return true;
    });
  }
});
