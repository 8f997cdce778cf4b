// GET /v1/dms/events: `onboard serve --dms-video` streams the driver monitor's status, VSS
// signals and warnings as server-sent events. The video (opencv-doc's vtest.avi, a street
// scene) has no driver's face, so monitoring must be reported degraded within 10 s of video time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startServer, stopServer } from '../server/serve_process.mjs';

const cli = process.env.ONBOARD_CLI;
const model = `${process.env.ONBOARD_FIXTURES_DIR}/models/tiny-qwen2.gguf`;
const video = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';

// Reads SSE events until `until(events)` holds or the time runs out.
async function readEvents(url, until, timeoutMs) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const events = [];
  try {
    const res = await fetch(url, { signal: ctrl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/event-stream/);
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      buf += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const ev = {};
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) ev.event = line.slice(7);
          if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6));
        }
        if (ev.event) events.push(ev);
      }
      if (until(events)) break;
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return events;
}

test('driver monitoring events over SSE', { skip: !existsSync(video) && 'opencv-doc missing' }, async () => {
  const s = await startServer(cli, ['-m', model, '--port', '0', '--dms-video', video, '--dms-speed', '80']);
  try {
    const degraded = (evs) => evs.some((e) => e.event === 'dms.warning' && e.data.kind === 'monitoring_degraded');
    const events = await readEvents(`${s.base}/v1/dms/events`, degraded, 30000);
    assert.equal(events[0]?.event, 'dms.status', JSON.stringify(events[0]));
    assert.equal(events[0].data.state, 'started');

    const signals = events.filter((e) => e.event === 'dms.signals');
    assert.ok(signals.length >= 2, `signals: ${signals.length}`);
    for (const { data } of signals) {
      for (const k of ['FatigueLevel', 'DistractionLevel', 'AttentiveProbability']) {
        const v = data[`Vehicle.Driver.${k}`];
        assert.ok(typeof v === 'number' && v >= 0 && v <= 100, `${k} = ${v}`);
      }
      assert.equal(data['Vehicle.Driver.IsEyesOnRoad'], false, 'no face: eyes not on the road');
    }

    const warning = events.find((e) => e.event === 'dms.warning' && e.data.kind === 'monitoring_degraded');
    assert.ok(warning, `no degraded notice in ${JSON.stringify(events.map((e) => e.data.kind ?? e.event))}`);
    assert.ok(warning.data.t_s <= 10, `degraded at ${warning.data.t_s} s of video`);
    assert.equal(warning.data.level, 1);
  } finally {
    assert.equal(await stopServer(s), 0, s.stderr());
  }
});
