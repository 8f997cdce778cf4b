// The cockpit console in a real headless Chromium (Debian's, driven by playwright-core):
// `onboard serve` on the tiny fixture model with the simulated vehicle; a typed request
// changes the vehicle, and the page shows the new state as the vehicle streams it. A
// screenshot is kept in the build folder as the test's artifact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, stopServer } from '../server/serve_process.mjs';

const CLI = process.env.ONBOARD_CLI;
const FIXTURES = process.env.ONBOARD_FIXTURES_DIR;
const ARTIFACTS = process.env.ONBOARD_ARTIFACTS_DIR;
const CHROMIUM = process.env.ONBOARD_CHROMIUM || '/usr/bin/chromium';
assert.ok(CLI && FIXTURES && ARTIFACTS, 'ONBOARD_CLI, ONBOARD_FIXTURES_DIR and ONBOARD_ARTIFACTS_DIR must be set');

const WINDOW = 'Vehicle.Cabin.Door.Row1.DriverSide.Window.Position';
const rowId = (p) => '#sig-' + p.replace(/[^A-Za-z0-9]/g, '_');

let server, browser, page;
const external = [];
before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found (Debian package chromium)`);
  server = await startServer(CLI, ['-m', path.join(FIXTURES, 'models/tiny-qwen2.gguf'), '--port', '0', '-c', '256', '-t', '1', '--slots', '1'],
    { startTimeoutMs: 60000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The page must load nothing from anywhere but the car's own server.
  page.on('request', (r) => { if (!r.url().startsWith(server.base)) external.push(r.url()); });
  await page.goto(`${server.base}/console`);
});
after(async () => {
  await browser?.close();
  await stopServer(server);
});

test('the console shows the vehicle state and follows the stream', async () => {
  await page.waitForSelector(`${rowId('Vehicle.Speed')} td.value[data-value="0"]`, { timeout: 10000 });
  // A sensor set by a provider (PUT) appears on the page through /v1/vehicle/stream.
  const r = await fetch(`${server.base}/v1/vehicle/signals`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signals: { 'Vehicle.Speed': 42 } }),
  });
  assert.equal(r.status, 200, await r.text());
  await page.waitForSelector(`${rowId('Vehicle.Speed')} td.value[data-value="42"]`, { timeout: 10000 });
  await fetch(`${server.base}/v1/vehicle/signals`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signals: { 'Vehicle.Speed': 0 } }),
  });
  await page.waitForSelector(`${rowId('Vehicle.Speed')} td.value[data-value="0"]`, { timeout: 10000 });
});

test('typing a request actuates the vehicle and the page shows the turn and the new state', async () => {
  await page.fill('#text', 'open the driver window');
  await page.click('button[type=submit]');
  const turn = page.locator('.turn').last();
  await turn.waitFor({ timeout: 10000 });
  const card = await turn.innerText();
  assert.match(card, /open the driver window/);
  assert.match(card, new RegExp(WINDOW.replaceAll('.', '\\.') + ' = 100'), card);
  assert.match(card, /fast/, 'the route is shown');
  assert.match(card, /policy: .*allow/, 'the policy verdict is shown');
  assert.match(card, /latency: understand [0-9.]+ ms · policy [0-9.]+ ms · actuate [0-9.]+ ms/, card);
  // The window takes a second to open: the page follows it to 100 %.
  await page.waitForSelector(`${rowId(WINDOW)} td.value[data-value="100"]`, { timeout: 15000 });
  const vehicle = await (await fetch(`${server.base}/v1/vehicle/signals?paths=${WINDOW}`)).json();
  assert.equal(vehicle.signals[WINDOW].value, 100);
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = path.join(ARTIFACTS, 'console.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
});

test('the privacy indicator says what is collected and that nothing leaves the car', async () => {
  const pill = page.locator('#privacy .pill[data-source="cabin_camera"]');
  await pill.waitFor({ timeout: 10000 });
  assert.equal(await pill.innerText(), 'cabin camera: local only / not collecting');
  assert.match(await page.locator('#privacy').innerText(), /nothing leaves the car/);
  const privacy = await (await fetch(`${server.base}/v1/cockpit/privacy`)).json();
  assert.equal(privacy.leaves_vehicle, false);
  assert.equal(privacy.sources.find((s) => s.name === 'cabin_camera').collecting, false);
});

test('the page loaded nothing from outside the car', () => {
  assert.deepEqual(external, []);
});
