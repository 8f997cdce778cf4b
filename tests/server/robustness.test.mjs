// The server under hostile clients: slowloris-style partial requests, clients that vanish
// mid-stream or mid-request, and 1000 malformed bodies mutated (seeded) from the fuzz corpus.
// Afterwards it must still answer correctly, and it must exit cleanly: under the ASan build
// (ONBOARD_SANITIZED=1) LeakSanitizer then reports any leak and fails the exit code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, stopServer } from './serve_process.mjs';

const CLI = process.env.ONBOARD_CLI;
const FIXTURES = process.env.ONBOARD_FIXTURES_DIR;
const SOURCE = process.env.ONBOARD_SOURCE_DIR;
assert.ok(CLI && FIXTURES && SOURCE, 'ONBOARD_CLI, ONBOARD_FIXTURES_DIR and ONBOARD_SOURCE_DIR must be set');
const MODEL = path.join(FIXTURES, 'models/tiny-qwen2.gguf');
const HTTP_THREADS = 4;

let server, port, reference;
const chat = (body) => fetch(`${server.base}/v1/chat/completions`, {
  method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const greedyBody = { model: 'tiny-qwen2', messages: [{ role: 'user', content: '打开车窗' }], max_tokens: 16, temperature: 0 };
const greedyText = async () => {
  const r = await chat(greedyBody);
  assert.equal(r.status, 200);
  const j = await r.json();
  return (j.choices[0].message.reasoning_content ?? '') + (j.choices[0].message.content ?? '');
};
const metric = async (name) => {
  const t = await (await fetch(`${server.base}/metrics`)).text();
  return [...t.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
};
const waitFor = async (what, fn, ms) => {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) assert.fail(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const connect = () => new Promise((resolve, reject) => {
  const s = net.connect(port, '127.0.0.1', () => resolve(s));
  s.on('error', reject);
});
const closed = (sock) => new Promise((resolve) => { if (sock.destroyed) resolve(); else sock.on('close', resolve); });

// Long contexts so an uncancelled generation would outlast the checks; the malformed bodies
// get a server of their own with a short one (a valid mutant then generates little).
const serve = async (ctx) => {
  server = await startServer(CLI, ['-m', MODEL, '--port', '0', '-c', String(ctx), '-t', '2', '--slots', '2', '--max-queue', '256',
                                   '--read-timeout', '1', '--http-threads', String(HTTP_THREADS)]);
  port = Number(new URL(server.base).port);
  reference = await greedyText();
};
const stopAndCheckExit = async () => {
  const code = await stopServer(server);
  assert.doesNotMatch(server.stderr(), /Sanitizer/, 'sanitizer report at exit');
  assert.equal(code, 0, `server exit code (stderr:\n${server.stderr().slice(-2000)})`);
};
before(() => serve(4096));
after(stopAndCheckExit);

test('slowloris: stalled partial requests are dropped after the read timeout and never block others', async () => {
  // More stalled connections than HTTP threads: headers cut short, and a body cut short.
  const socks = [];
  for (let i = 0; i < HTTP_THREADS + 2; ++i) {
    const s = await connect();
    s.on('error', () => {});
    s.resume();  // read what the server answers, so its close is seen
    if (i % 2) s.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty');
    else s.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n{"messages":');
    socks.push(s);
  }
  const t0 = Date.now();
  assert.equal(await greedyText(), reference);
  // Each stalled socket is closed by the server after ~1 s of silence.
  await Promise.race([Promise.all(socks.map(closed)), new Promise((_, rej) => setTimeout(() => rej(new Error('stalled sockets still open after 8 s')), 8000))]);
  assert.ok(Date.now() - t0 < 8000);
});

test('abrupt disconnects mid-stream and mid-request free the slots at once', async () => {
  const cancelledBefore = await metric('onboard_requests_total\\{outcome="cancelled"\\}');
  const long = (stream) => JSON.stringify({ ...greedyBody, max_tokens: 3900, stream });  // ~10 s if not cancelled
  const raw = (body) => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  for (const stream of [true, false]) {
    const socks = [];
    for (let i = 0; i < 3; ++i) {
      const s = await connect();
      s.on('error', () => {});
      s.write(raw(long(stream)));
      socks.push(s);
    }
    // Two hold the slots (streaming already), the third waits in the queue.
    await waitFor('requests running', async () => (await metric('onboard_running_sequences')) === 2 &&
                                                  (await metric('onboard_queue_depth')) === 1, 5000);
    if (stream) await new Promise((r) => socks[0].once('data', r));
    const t0 = Date.now();
    for (const s of socks) s.destroy();
    await waitFor('slots freed', async () => (await metric('onboard_running_sequences')) === 0 &&
                                             (await metric('onboard_queue_depth')) === 0, 3000);
    assert.ok(Date.now() - t0 < 3000);
  }
  const cancelled = await metric('onboard_requests_total\\{outcome="cancelled"\\}');
  assert.ok(cancelled >= cancelledBefore + 6, `cancelled requests counted: ${cancelled - cancelledBefore} of 6`);
  assert.equal(await greedyText(), reference);
});

// xorshift32: the same mutations on every run.
function rng(seed) {
  let x = seed >>> 0;
  return (n) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
}

function mutate(seedBody, r) {
  let b = Buffer.from(seedBody);
  const junk = ['null', '[]', '{}', '"x"', '-1', '1e999', 'true', '"\\ud800"', '\u0000', '{"a":', ']]]', '9'.repeat(40)];
  for (let k = 1 + r(4); k > 0; --k) {
    const at = r(b.length + 1);
    switch (r(6)) {
      case 0: if (b.length) b[r(b.length)] ^= 1 << r(8); break;                                 // bit flip
      case 1: b = Buffer.concat([b.subarray(0, at), Buffer.from(junk[r(junk.length)]), b.subarray(at)]); break;
      case 2: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r(16)))]); break;  // delete
      case 3: b = b.subarray(0, at); break;                                                        // truncate
      case 4: b = Buffer.concat([b.subarray(0, at), b.subarray(r(b.length + 1)), b.subarray(at)]); break;     // splice
      default: {                                                                                   // a value of the wrong type
        const s = b.toString('latin1').replace(/:(\s*)("[^"]*"|-?\d+(\.\d+)?|true|false|null|\[[^\]]*\])/, `:$1${junk[r(junk.length)]}`);
        b = Buffer.from(s, 'latin1');
      }
    }
  }
  return b;
}

test('1000 malformed bodies: each gets a well-formed answer, and the server keeps serving', async () => {
  await stopAndCheckExit();
  await serve(160);
  const dir = path.join(SOURCE, 'fuzz/corpus/openai_request');
  const seeds = readdirSync(dir).sort().map((f) => readFileSync(path.join(dir, f)));
  const r = rng(20261123);
  const statuses = new Map();
  // Fewer clients than HTTP threads: an idle keep-alive connection holds its thread (cpp-httplib).
  const N = 1000, PARALLEL = HTTP_THREADS - 1;
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      const body = mutate(seeds[i % seeds.length], r);
      const ep = i % 3 === 2 ? 'completions' : 'chat/completions';
      const res = await fetch(`${server.base}/v1/${ep}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok([200, 400, 404, 413].includes(res.status), `status ${res.status} for ${JSON.stringify(body.toString('latin1'))}: ${text}`);
      if (res.status !== 200) {
        const j = JSON.parse(text);
        assert.ok(typeof j.error?.message === 'string' && j.error.message.length > 0, text);
      } else if (!res.headers.get('content-type')?.includes('event-stream')) {
        assert.ok(Array.isArray(JSON.parse(text).choices), text);
      } else {
        assert.match(text, /data: \[DONE\]\n\n$/);
      }
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  console.log(`statuses ${JSON.stringify([...statuses])} in ${Date.now() - t0} ms`);
  assert.ok((statuses.get(400) ?? 0) > N / 2, `mostly refused: ${JSON.stringify([...statuses])}`);
  assert.equal(await greedyText(), reference);
  assert.equal((await fetch(`${server.base}/health`)).status, 200);
});
