// Starts and stops `onboard serve` for the server's Node tests and the load benchmark.
import { spawn } from 'node:child_process';

// Starts `CLI serve ARGS` (ARGS should hold --port 0); resolves with {proc, base, stderr()}
// once it prints its URL.
export function startServer(cli, args, { startTimeoutMs = 120000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cli, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server did not start:\n${err}`)); }, startTimeoutMs);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\/v1/);
      if (m) { clearTimeout(timer); resolve({ proc, base: m[1], stderr: () => err }); }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${err}`)); });
  });
}

// SIGTERM, then SIGKILL after 10 s; resolves with the exit code (null when killed).
export function stopServer(s) {
  return new Promise((resolve) => {
    if (!s || s.proc.exitCode !== null) return resolve(s?.proc.exitCode ?? null);
    const timer = setTimeout(() => s.proc.kill('SIGKILL'), 10000);
    s.proc.on('exit', (code) => { clearTimeout(timer); resolve(code); });
    s.proc.kill('SIGTERM');
  });
}
