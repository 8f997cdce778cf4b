#!/usr/bin/env node
// Load benchmark of `onboard serve`: N concurrent streaming clients for a fixed number of
// requests (priority classes mixed), zero errors required; aggregate tokens/s against one
// client; p50/p99 time-to-first-token per class; the server's RSS sampled across the run; and
// the cockpit scenario: a critical request's TTFT with 8 long background generations running
// against its TTFT on an idle server.
//
//   node bench/server_load.mjs --model /tmp/r1q-1.5b-q4_k_m.gguf [--clients 16] [--requests 64]
//        [--max-tokens 32] [--slots 8] [--threads 2] [--ctx 1024] [--cli build/onboard]
// Exit status 1 when any request failed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopServer } from '../tests/server/serve_process.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = { cli: path.join(here, '../build/onboard'), model: '', clients: 16, requests: 64, 'max-tokens': 32, slots: 8,
              threads: 2, ctx: 1024, 'background-tokens': 256, 'critical-runs': 3 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in opt) || i + 1 >= process.argv.length) { console.error(`unknown or incomplete option ${process.argv[i]}`); process.exit(2); }
  opt[k] = typeof opt[k] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
if (!opt.model) { console.error('--model FILE is required'); process.exit(2); }

const prompts = ['打开车窗一半', 'Summarize the last trip for me.', '导航到最近的充电站', 'Play some calm music',
                 'What does the orange engine light mean?', '把空调调到22度', 'Read my latest message', 'How far can I drive on this charge?'];

// One streamed chat request; resolves with {ttft, seconds, tokens} (times in seconds) or throws.
async function streamed(base, content, priority, maxTokens) {
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content }], max_tokens: maxTokens, temperature: 0, stream: true,
                           stream_options: { include_usage: true }, priority }) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buf = '', ttft = null, tokens = 0;
  for await (const part of res.body) {
    buf += decoder.decode(part, { stream: true });
    let at;
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, at);
      buf = buf.slice(at + 2);
      if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
      const j = JSON.parse(event.slice(6));
      if (j.error) throw new Error(j.error.message);
      if (j.usage) tokens = j.usage.completion_tokens;
      const d = j.choices?.[0]?.delta;
      if (ttft === null && d && ((d.content ?? '') + (d.reasoning_content ?? '')).length > 0) ttft = (performance.now() - t0) / 1000;
    }
  }
  return { ttft: ttft ?? (performance.now() - t0) / 1000, seconds: (performance.now() - t0) / 1000, tokens };
}

const quantile = (xs, q) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const rssMiB = (pid) => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
};

// `requests` requests over `clients` concurrent loops; classes: 1 in 8 critical, 1 in 4 background.
async function load(base, clients, requests, maxTokens) {
  const byClass = { critical: [], interactive: [], background: [] };
  let next = 0, tokens = 0, errors = 0;
  const firstErrors = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < requests) {
      const i = next++;
      const cls = i % 8 === 0 ? 'critical' : i % 4 === 1 ? 'background' : 'interactive';
      try {
        const r = await streamed(base, prompts[i % prompts.length], cls, maxTokens);
        byClass[cls].push(r.ttft);
        tokens += r.tokens;
      } catch (e) {
        ++errors;
        if (firstErrors.length < 3) firstErrors.push(String(e.message ?? e));
      }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return { clients, requests, seconds, tokens, tok_s: tokens / seconds, errors, firstErrors, byClass };
}

const server = await startServer(opt.cli, ['-m', opt.model, '--port', '0', '-c', String(opt.ctx), '-t', String(opt.threads),
                                           '--slots', String(opt.slots), '--max-queue', String(Math.max(64, opt.requests * 2)),
                                           '--deadline', 'critical=600']);
const rss = [];
const sampler = setInterval(() => { try { rss.push(rssMiB(server.proc.pid)); } catch { /* exited */ } }, 250);
let failed = false;
try {
  await streamed(server.base, 'warm up', 'interactive', 4);
  const one = await load(server.base, 1, Math.max(4, Math.ceil(opt.requests / 8)), opt['max-tokens']);
  const rssStart = rssMiB(server.proc.pid);
  const many = await load(server.base, opt.clients, opt.requests, opt['max-tokens']);
  const rssEnd = rssMiB(server.proc.pid);

  // Critical TTFT on the idle server, then with 8 long background generations running.
  const criticalTtft = async () => {
    const xs = [];
    for (let i = 0; i < opt['critical-runs']; ++i) xs.push((await streamed(server.base, '前方有障碍物，请减速', 'critical', 8)).ttft);
    return xs;
  };
  const idle = await criticalTtft();
  const bg = Array.from({ length: 8 }, (_, i) => streamed(server.base, prompts[i], 'background', opt['background-tokens']));
  await new Promise((r) => setTimeout(r, 1500));  // the background generations are decoding now
  const loaded = await criticalTtft();
  const bgResults = await Promise.allSettled(bg);
  const bgErrors = bgResults.filter((r) => r.status === 'rejected').length;

  const ms = (x) => (x * 1000).toFixed(0);
  console.log(`model ${path.basename(opt.model)}, ${opt.slots} slots, ${opt.threads} threads, max_tokens ${opt['max-tokens']}`);
  console.log(`1 client:  ${one.requests} requests, ${one.tokens} tokens in ${one.seconds.toFixed(1)} s = ${one.tok_s.toFixed(2)} tok/s, errors ${one.errors}`);
  console.log(`${many.clients} clients: ${many.requests} requests, ${many.tokens} tokens in ${many.seconds.toFixed(1)} s = ${many.tok_s.toFixed(2)} tok/s ` +
              `(${(many.tok_s / one.tok_s).toFixed(2)}x), errors ${many.errors}`);
  for (const [cls, xs] of Object.entries(many.byClass))
    console.log(`  TTFT ${cls.padEnd(11)} n=${String(xs.length).padStart(3)}  p50 ${ms(quantile(xs, 0.5))} ms  p99 ${ms(quantile(xs, 0.99))} ms`);
  console.log(`RSS: start of load ${rssStart.toFixed(0)} MiB, end ${rssEnd.toFixed(0)} MiB, min ${Math.min(...rss).toFixed(0)}, max ${Math.max(...rss).toFixed(0)} MiB (${rss.length} samples)`);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`critical TTFT: idle ${ms(mean(idle))} ms, with 8 background generations ${ms(mean(loaded))} ms ` +
              `(${(mean(loaded) / mean(idle)).toFixed(2)}x; runs: idle ${idle.map(ms).join('/')}, loaded ${loaded.map(ms).join('/')}), background errors ${bgErrors}`);
  for (const e of [...one.firstErrors, ...many.firstErrors]) console.log(`error: ${e}`);
  failed = one.errors + many.errors + bgErrors > 0;
} finally {
  clearInterval(sampler);
  await stopServer(server);
}
process.exit(failed ? 1 : 0);
