// The OpenAI-compatible server (`onboard serve`) driven by the official `openai` npm package.
// Starts the server on the tiny fixture model (with the R1-Distill template that prefills
// "<think>\n", so answers come as reasoning_content / content) on a free port of 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startServer as startServerProcess, stopServer } from './serve_process.mjs';

const CLI = process.env.ONBOARD_CLI;
const FIXTURES = process.env.ONBOARD_FIXTURES_DIR;
const SOURCE = process.env.ONBOARD_SOURCE_DIR;
assert.ok(CLI && FIXTURES && SOURCE, 'ONBOARD_CLI, ONBOARD_FIXTURES_DIR and ONBOARD_SOURCE_DIR must be set');
const MODEL = path.join(FIXTURES, 'models/tiny-qwen2.gguf');
const TEMPLATE = path.join(SOURCE, 'tests/text/templates/llamacpp-r1-distill-qwen-32b.jinja');
const MAX_BODY = 65536;
const N_CTX = 256;

// Starts `onboard serve` on the tiny model with this file's limits.
const startServer = (extra = [], { ctx = N_CTX, slots = 4 } = {}) => startServerProcess(CLI, ['-m', MODEL, '--port', '0', '-c', String(ctx), '-t', '2', '--slots', String(slots),
  '--max-body-bytes', String(MAX_BODY), '--chat-template', TEMPLATE, ...extra], { startTimeoutMs: 60000 });

let server, client;
before(async () => {
  server = await startServer();
  client = new OpenAI({ baseURL: `${server.base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 60000 });
});
after(async () => { await stopServer(server); });

const ask = (content) => [{ role: 'user', content }];
const fullText = (m) => (m.reasoning_content ?? '') + (m.content ?? '');

async function greedy(content, extra = {}) {
  return client.chat.completions.create({ model: 'tiny-qwen2', messages: ask(content), max_tokens: 24, temperature: 0, ...extra });
}

test('models.list names the served model', async () => {
  const list = await client.models.list();
  const ids = list.data.map((m) => m.id);
  assert.deepEqual(ids, ['tiny-qwen2']);
  assert.equal(list.data[0].object, 'model');
});

test('chat non-stream: reasoning split, usage, finish_reason', async () => {
  const r = await greedy('请打开车窗');
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices.length, 1);
  const c = r.choices[0];
  assert.equal(c.message.role, 'assistant');
  assert.ok(['stop', 'length'].includes(c.finish_reason));
  // The template prefilled "<think>\n": the answer begins as reasoning.
  assert.ok(typeof c.message.reasoning_content === 'string' && c.message.reasoning_content.length > 0);
  assert.ok(!fullText(c.message).includes('\uFFFD'));
  const u = r.usage;
  assert.ok(u.prompt_tokens > 0);
  assert.ok(u.completion_tokens > 0 && u.completion_tokens <= 24);
  assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
  assert.ok(u.completion_tokens_details.reasoning_tokens > 0);
  assert.ok(u.completion_tokens_details.reasoning_tokens <= u.completion_tokens);
  assert.equal(u.prompt_tokens_details.cached_tokens, 0);
  if (c.finish_reason === 'length') assert.equal(u.completion_tokens, 24);
});

test('chat stream equals the non-streamed greedy text, usage in the last chunk', async () => {
  for (const prompt of ['请打开车窗', 'please play music', '把空调调到22度']) {
    const ref = (await greedy(prompt)).choices[0];
    const stream = await greedy(prompt, { stream: true, stream_options: { include_usage: true } });
    let reasoning = '', content = '', finish = null, usage = null, chunks = 0;
    for await (const chunk of stream) {
      ++chunks;
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (chunk.usage) usage = chunk.usage;
      for (const ch of chunk.choices) {
        reasoning += ch.delta.reasoning_content ?? '';
        content += ch.delta.content ?? '';
        if (ch.finish_reason) finish = ch.finish_reason;
      }
    }
    assert.ok(chunks > 2);
    assert.equal(reasoning, ref.message.reasoning_content ?? '');
    assert.equal(content, ref.message.content ?? '');
    assert.ok(!(reasoning + content).includes('\uFFFD'), 'no U+FFFD in the stream');
    assert.equal(finish, ref.finish_reason);
    assert.ok(usage && usage.completion_tokens > 0 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens);
  }
});

test('logprobs: chat and completions shapes, streamed equal to non-streamed', async () => {
  const r = await greedy('请打开车窗', { max_tokens: 10, logprobs: true, top_logprobs: 3 });
  const lp = r.choices[0].logprobs.content;
  assert.equal(lp.length, r.usage.completion_tokens);
  for (const t of lp) {
    assert.ok(t.logprob <= 0);
    assert.equal(t.top_logprobs.length, 3);
    // Greedy: the chosen token is the most likely one; the list is sorted.
    assert.deepEqual(t.bytes, t.top_logprobs[0].bytes);
    assert.equal(t.logprob, t.top_logprobs[0].logprob);
    for (let i = 1; i < 3; ++i) assert.ok(t.top_logprobs[i - 1].logprob >= t.top_logprobs[i].logprob);
  }
  // The bytes of all tokens are the UTF-8 of the whole answer (reasoning included).
  assert.equal(Buffer.from(lp.flatMap((t) => t.bytes)).toString('utf8'), fullText(r.choices[0].message));
  const streamed = [];
  for await (const c of await greedy('请打开车窗', { max_tokens: 10, logprobs: true, top_logprobs: 3, stream: true }))
    for (const ch of c.choices) streamed.push(...(ch.logprobs?.content ?? []));
  assert.deepEqual(streamed, lp);
  assert.equal(r.choices[0].logprobs.refusal, null);
  assert.equal((await greedy('hi', { max_tokens: 2 })).choices[0].logprobs, null);

  const args = { model: 'tiny-qwen2', prompt: 'The car', max_tokens: 8, temperature: 0, logprobs: 2 };
  const c = (await client.completions.create(args)).choices[0];
  assert.equal(c.logprobs.tokens.length, 8);
  assert.equal(c.logprobs.token_logprobs.length, 8);
  assert.equal(c.logprobs.text_offset[0], 0);
  for (let i = 1; i < 8; ++i) assert.ok(c.logprobs.text_offset[i] > c.logprobs.text_offset[i - 1]);
  assert.equal(Object.keys(c.logprobs.top_logprobs[0]).length, 2);
});

test('completions endpoint: non-stream equals stream', async () => {
  const args = { model: 'tiny-qwen2', prompt: 'The car', max_tokens: 16, temperature: 0 };
  const r = await client.completions.create(args);
  assert.equal(r.object, 'text_completion');
  let text = '';
  for await (const chunk of await client.completions.create({ ...args, stream: true })) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, r.choices[0].text);
  assert.ok(text.length > 0);
});

test('stop sequences cut the output, finish_reason stop', async () => {
  const args = { model: 'tiny-qwen2', prompt: 'The car', max_tokens: 24, temperature: 0 };
  const full = (await client.completions.create(args)).choices[0].text;
  assert.ok(full.length >= 8, `need some text, got ${JSON.stringify(full)}`);
  // A stop string from the middle of the greedy text: the answer is what precedes it.
  const cut = Math.floor(full.length / 2);
  const stopStr = full.slice(cut, cut + 3);
  const expected = full.slice(0, full.indexOf(stopStr));
  const r = await client.completions.create({ ...args, stop: [stopStr, 'never-appears-xyz'] });
  assert.equal(r.choices[0].text, expected);
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.ok(r.usage.completion_tokens < 24);
  // Streamed, the held-back text never leaks the stop string.
  let text = '';
  for await (const chunk of await client.completions.create({ ...args, stop: stopStr, stream: true })) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, expected);
});

test('n > 1 gives n choices, each sampled with its own session', async () => {
  const r = await client.chat.completions.create({ model: 'tiny-qwen2', messages: ask('hello'), max_tokens: 12, temperature: 1, seed: 7, n: 3 });
  assert.equal(r.choices.length, 3);
  assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2]);
  let sum = 0;
  for (const c of r.choices) assert.ok(fullText(c.message).length > 0);
  const again = await client.chat.completions.create({ model: 'tiny-qwen2', messages: ask('hello'), max_tokens: 12, temperature: 1, seed: 7, n: 3 });
  for (let i = 0; i < 3; ++i) assert.equal(fullText(again.choices[i].message), fullText(r.choices[i].message));
  sum = r.choices.length;
  assert.ok(r.usage.completion_tokens >= sum);
  // Choice i is sampled with seed + i: choice 1 equals a single request with seed 8.
  const one = await client.chat.completions.create({ model: 'tiny-qwen2', messages: ask('hello'), max_tokens: 12, temperature: 1, seed: 8 });
  assert.equal(fullText(one.choices[0].message), fullText(r.choices[1].message));
});

test('seed reproducibility at temperature 1', async () => {
  const args = { model: 'tiny-qwen2', messages: ask('tell me a story'), max_tokens: 20, temperature: 1, top_p: 1, seed: 1234 };
  const a = await client.chat.completions.create(args);
  const b = await client.chat.completions.create(args);
  assert.equal(fullText(a.choices[0].message), fullText(b.choices[0].message));
  const outs = new Set();
  for (const seed of [1, 2, 3, 4]) outs.add(fullText((await client.chat.completions.create({ ...args, seed })).choices[0].message));
  assert.ok(outs.size > 1, 'different seeds give different samples');
});

test('4 concurrent greedy requests equal their solo runs', async () => {
  const prompts = ['打开车窗', 'play music', '导航到最近的加油站', 'what is the speed limit'];
  const solo = [];
  for (const p of prompts) solo.push(fullText((await greedy(p, { max_tokens: 32 })).choices[0].message));
  const together = await Promise.all(prompts.map((p) => greedy(p, { max_tokens: 32 })));
  assert.deepEqual(together.map((r) => fullText(r.choices[0].message)), solo);
  // Streams and non-streams mixed, with priority classes.
  const mixed = await Promise.all(prompts.map(async (p, i) => {
    const prio = ['critical', 'interactive', 'background', 'interactive'][i];
    if (i % 2 === 0) return fullText((await greedy(p, { max_tokens: 32, priority: prio })).choices[0].message);
    let t = '';
    for await (const c of await greedy(p, { max_tokens: 32, stream: true, priority: prio }))
      for (const ch of c.choices) t += (ch.delta.reasoning_content ?? '') + (ch.delta.content ?? '');
    return t;
  }));
  assert.deepEqual(mixed, solo);
});

test('priority field and X-Onboard-Priority header are accepted', async () => {
  for (const priority of ['critical', 'interactive', 'background']) {
    const r = await greedy('hi', { max_tokens: 4, priority });
    assert.equal(r.choices.length, 1);
  }
  const r = await client.chat.completions.create({ model: 'tiny-qwen2', messages: ask('hi'), max_tokens: 4 },
                                                 { headers: { 'X-Onboard-Priority': 'critical' } });
  assert.equal(r.choices.length, 1);
  await assert.rejects(greedy('hi', { priority: 'urgent' }), (e) => e.status === 400 && e.error?.param === 'priority');
});

test('reasoning_budget closes the thought and the model answers', async () => {
  const r = await greedy('hello', { max_tokens: 40, reasoning_budget: 3 });
  const c = r.choices[0];
  assert.ok(r.usage.completion_tokens_details.reasoning_tokens <= 3 + 4, JSON.stringify(r.usage));
  assert.ok(typeof c.message.content === 'string');
});

test('errors: statuses and OpenAI-shaped bodies', async () => {
  const url = `${server.base}/v1/chat/completions`;
  const post = (body, headers = {}) => fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });

  let res = await post('{"messages": [');
  assert.equal(res.status, 400);
  let j = await res.json();
  assert.equal(j.error.type, 'invalid_request_error');
  assert.ok('message' in j.error && 'param' in j.error && 'code' in j.error);

  await assert.rejects(greedy('hi', { temperature: 'hot' }), (e) => e.status === 400 && e.error?.param === 'temperature');
  await assert.rejects(greedy('hi', { max_tokens: 'ten' }), (e) => e.status === 400 && e.error?.param === 'max_tokens');
  await assert.rejects(client.chat.completions.create({ model: 'tiny-qwen2', messages: 'hi' }),
                       (e) => e.status === 400 && e.error?.param === 'messages');
  await assert.rejects(client.chat.completions.create({ model: 'no-such-model', messages: ask('hi') }),
                       (e) => e.status === 404 && e.error?.code === 'model_not_found');
  await assert.rejects(greedy('hi', { max_tokens: 100000 }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.error?.code, 'context_length_exceeded');
    assert.match(e.message, new RegExp(`${N_CTX}`));
    assert.match(e.message, /100000/);
    return true;
  });
  res = await post(JSON.stringify({ model: 'tiny-qwen2', messages: ask('x'.repeat(MAX_BODY * 2)) }));
  assert.equal(res.status, 413);
  j = await res.json();
  assert.ok(j.error.message.includes(String(MAX_BODY)));

  // The server still serves after all that.
  const ok = await greedy('hi', { max_tokens: 2 });
  assert.equal(ok.choices.length, 1);
});

test('health and metrics', async () => {
  const h = await fetch(`${server.base}/health`);
  assert.equal(h.status, 200);
  const m = await (await fetch(`${server.base}/metrics`)).text();
  assert.match(m, /onboard_tokens_generated_total \d+/);
  assert.match(m, /onboard_queue_depth\{model="tiny-qwen2",priority="critical"\} \d+/);
  assert.match(m, /onboard_ttft_seconds_count\{priority="interactive"\} [1-9]/);
});

test('a client that goes away mid-stream frees its slot', async () => {
  const ac = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'tiny-qwen2', messages: ask('long story'), max_tokens: 200, temperature: 0, stream: true }, { signal: ac.signal });
  let n = 0;
  try {
    for await (const _ of stream) { if (++n === 3) ac.abort(); }
  } catch { /* aborted */ }
  // All four slots must be usable again.
  const rs = await Promise.all([1, 2, 3, 4].map(() => greedy('hi', { max_tokens: 4 })));
  assert.equal(rs.length, 4);
  const m = await (await fetch(`${server.base}/metrics`)).text();
  assert.match(m, /onboard_requests_total\{outcome="cancelled"\} [1-9]/);
});

test('API keys: 401 without a valid key, constant-time checked', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'onboard-keys-'));
  const keyFile = path.join(dir, 'keys.txt');
  writeFileSync(keyFile, '# keys\nsk-good-one\n\nsk-good-two\n');
  const s = await startServer(['--api-key-file', keyFile]);
  try {
    const bad = new OpenAI({ baseURL: `${s.base}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(bad.models.list(), (e) => e.status === 401 && e.error?.code === 'invalid_api_key');
    const none = await fetch(`${s.base}/v1/models`);
    assert.equal(none.status, 401);
    const good = new OpenAI({ baseURL: `${s.base}/v1`, apiKey: 'sk-good-two', maxRetries: 0 });
    assert.equal((await good.models.list()).data.length, 1);
    assert.equal((await fetch(`${s.base}/health`)).status, 200);
  } finally {
    await stopServer(s);
  }
});

test('prefix cache: a repeated system prompt is not recomputed, the answer is unchanged', async () => {
  const system = { role: 'system', content: 'You are the cockpit assistant of an electric car. Answer briefly and safely.' };
  const args = (q) => ({ model: 'tiny-qwen2', messages: [system, { role: 'user', content: q }], max_tokens: 12, temperature: 0 });
  const first = await client.chat.completions.create(args('打开车窗'));
  const second = await client.chat.completions.create(args('关闭空调'));
  assert.ok(second.usage.prompt_tokens_details.cached_tokens > 10, JSON.stringify(second.usage));
  assert.ok(second.usage.prompt_tokens_details.cached_tokens < second.usage.prompt_tokens);
  assert.ok(first.usage.prompt_tokens_details.cached_tokens < second.usage.prompt_tokens_details.cached_tokens);
  // The same conversation again: all of its prompt but the last token (re-fed for its logits).
  const again = await client.chat.completions.create(args('关闭空调'));
  assert.equal(again.usage.prompt_tokens_details.cached_tokens, again.usage.prompt_tokens - 1);
  assert.equal(fullText(again.choices[0].message), fullText(second.choices[0].message));
  // A cache hit leaves greedy output unchanged: compare with a server that has nothing cached.
  const fresh = await startServer();
  try {
    const c = new OpenAI({ baseURL: `${fresh.base}/v1`, apiKey: 'unused', maxRetries: 0 });
    const cold = await c.chat.completions.create(args('关闭空调'));
    assert.equal(cold.usage.prompt_tokens_details.cached_tokens, 0);
    assert.equal(fullText(cold.choices[0].message), fullText(second.choices[0].message));
  } finally {
    await stopServer(fresh);
  }
});

// Minimal Prometheus text-format (0.0.4) reader: families with their TYPE, samples with labels.
function parsePrometheus(text) {
  const types = new Map(), samples = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m;
    if ((m = line.match(/^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/))) {
      if (m[1] === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]), line);
        assert.ok(!types.has(m[2]), `TYPE given twice: ${line}`);
        types.set(m[2], m[3]);
      }
      continue;
    }
    m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$/);
    assert.ok(m, `not an exposition line: ${JSON.stringify(line)}`);
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), line);
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    const family = m[1].replace(/_(bucket|sum|count)$/, (s) => (types.get(m[1]) ? s : ''));
    assert.ok(types.has(family) || types.has(m[1]), `sample without a TYPE: ${m[1]}`);
    samples.push({ name: m[1], labels, value });
  }
  const get = (name, labels = {}) => samples.filter((s) => s.name === name &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
  return { types, samples, get };
}

test('metrics: the exposition parses and the counters move', async () => {
  const before = parsePrometheus(await (await fetch(`${server.base}/metrics`)).text());
  for (const name of ['onboard_queue_depth', 'onboard_running_sequences', 'onboard_tokens_per_second', 'onboard_kv_cache_usage_ratio',
    'onboard_prefix_cache_hit_ratio', 'onboard_ttft_seconds', 'onboard_inter_token_seconds'])
    assert.ok(before.types.has(name), `missing ${name}`);
  assert.equal(before.types.get('onboard_ttft_seconds'), 'histogram');
  const r = await greedy('metrics please', { max_tokens: 8, priority: 'background' });
  await greedy('metrics please', { max_tokens: 8, priority: 'background' });
  const after = parsePrometheus(await (await fetch(`${server.base}/metrics`)).text());
  assert.ok(after.get('onboard_tokens_generated_total') >= before.get('onboard_tokens_generated_total') + 2 * r.usage.completion_tokens);
  assert.equal(after.get('onboard_ttft_seconds_count', { priority: 'background' }),
               before.get('onboard_ttft_seconds_count', { priority: 'background' }) + 2);
  assert.ok(after.get('onboard_inter_token_seconds_count', { priority: 'background' }) >
            before.get('onboard_inter_token_seconds_count', { priority: 'background' }));
  assert.ok(after.get('onboard_prefix_cache_hit_tokens_total') >= before.get('onboard_prefix_cache_hit_tokens_total') + r.usage.prompt_tokens - 1);
  const ratio = after.get('onboard_prefix_cache_hit_ratio');
  assert.ok(ratio > 0 && ratio <= 1);
  assert.ok(after.get('onboard_kv_cache_tokens') > 0);
  assert.ok(after.get('onboard_kv_cache_usage_ratio') > 0 && after.get('onboard_kv_cache_usage_ratio') <= 1);
  assert.ok(after.get('onboard_tokens_per_second') >= 0);
  // Histogram buckets are cumulative and end at the count.
  const buckets = after.samples.filter((s) => s.name === 'onboard_ttft_seconds_bucket' && s.labels.priority === 'background');
  for (let i = 1; i < buckets.length; ++i) assert.ok(buckets[i].value >= buckets[i - 1].value);
  assert.equal(buckets.at(-1).labels.le, '+Inf');
  assert.equal(buckets.at(-1).value, after.get('onboard_ttft_seconds_count', { priority: 'background' }));
});

test('several models at once: listed, addressed by id, unknown is 404', async () => {
  const s = await startServer(['-m', MODEL, '--alias', 'car-a', '--alias', 'car-b']);
  try {
    const c = new OpenAI({ baseURL: `${s.base}/v1`, apiKey: 'unused', maxRetries: 0 });
    assert.deepEqual((await c.models.list()).data.map((m) => m.id), ['car-a', 'car-b']);
    const args = { messages: ask('hi'), max_tokens: 6, temperature: 0 };
    const a = await c.chat.completions.create({ model: 'car-a', ...args });
    const b = await c.chat.completions.create({ model: 'car-b', ...args });
    assert.equal(a.model, 'car-a');
    assert.equal(b.model, 'car-b');
    assert.equal(fullText(a.choices[0].message), fullText(b.choices[0].message));  // the same file twice
    assert.equal((await c.models.retrieve('car-b')).id, 'car-b');
    await assert.rejects(c.chat.completions.create({ model: 'tiny-qwen2', ...args }),
                         (e) => e.status === 404 && e.error?.code === 'model_not_found');
    await assert.rejects(c.models.retrieve('nope'), (e) => e.status === 404);
  } finally {
    await stopServer(s);
  }
});

test('API key classes, the Priority header, deadlines (503) and a full queue (429) with Retry-After', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'onboard-keys-'));
  const keyFile = path.join(dir, 'keys.txt');
  writeFileSync(keyFile, 'sk-driver critical\nsk-media background\n');
  // One slot, a long context so the blocker runs for a while, background waits 0.3 s at most.
  const s = await startServer(['--api-key-file', keyFile, '--max-queue', '2', '--deadline', 'background=0.3',
                               '--deadline', 'critical=30'], { ctx: 4096, slots: 1 });
  const url = `${s.base}/v1/chat/completions`;
  const post = (key, body, headers = {}) => fetch(url, { method: 'POST', body: JSON.stringify({ model: 'tiny-qwen2', ...body }),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}`, ...headers } });
  try {
    // The media key may not ask for critical.
    let res = await post('sk-media', { messages: ask('hi'), max_tokens: 2, priority: 'critical' });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, 'priority_not_allowed');
    res = await post('sk-media', { messages: ask('hi'), max_tokens: 2 }, { Priority: 'critical' });
    assert.equal(res.status, 403, 'the Priority header counts like the field');
    res = await post('sk-media', { messages: ask('hi'), max_tokens: 2 }, { Priority: 'u=1, i' });
    assert.equal(res.status, 200, 'an RFC 9218 Priority value is not a class and is ignored');

    // A long background generation holds the only slot...
    const blocker = new AbortController();
    const long = post('sk-media', { messages: ask('tell a long story'), max_tokens: 3500, temperature: 0, stream: true }).then(
      async (r) => { const rd = r.body.getReader(); blocker.signal.addEventListener('abort', () => rd.cancel()); for (;;) if ((await rd.read()).done) break; },
      () => {});
    await new Promise((r) => setTimeout(r, 300));
    // ...so another background request cannot start within 0.3 s: 503 with Retry-After, streamed or not.
    for (const stream of [false, true]) {
      res = await post('sk-media', { messages: ask('hi'), max_tokens: 2, stream });
      assert.equal(res.status, 503);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      const j = await res.json();
      assert.equal(j.error.code, 'deadline_exceeded');
      assert.match(j.error.message, /background/);
    }
    // The driver's key defaults to critical: it preempts the background generation at once.
    res = await post('sk-driver', { messages: ask('brake warning'), max_tokens: 4, temperature: 0 });
    assert.equal(res.status, 200);
    // Queue of 2: a third waiting request gets 429 with Retry-After.
    const waiting = [post('sk-media', { messages: ask('a'), max_tokens: 2 }), post('sk-media', { messages: ask('b'), max_tokens: 2 })];
    await new Promise((r) => setTimeout(r, 100));
    res = await post('sk-media', { messages: ask('c'), max_tokens: 2 });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    blocker.abort();
    await long;
    await Promise.all(waiting);
  } finally {
    await stopServer(s);
  }
});
