// Starts and stops `onboard serve` for the node tests: resolves with {proc, base} once the
// server prints its URL (it listens on a free port of 127.0.0.1 given --port 0).
import { spawn } from 'node:child_process';

export function startServer(cli, args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cli, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server did not start:\n${err}`)); }, 60000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\/v1/);
      if (m) { clearTimeout(timer); resolve({ proc, base: m[1] }); }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${err}`)); });
  });
}

export function stopServer(s) {
  return new Promise((resolve) => {
    if (!s || s.proc.exitCode !== null) return resolve();
    const timer = setTimeout(() => s.proc.kill('SIGKILL'), 10000);
    s.proc.on('exit', () => { clearTimeout(timer); resolve(); });
    s.proc.kill('SIGTERM');
  });
}
