// Independent reference for the vision tests: runs Google's official MediaPipe face detection
// (short range) and face mesh web solutions (wasm) in headless Chromium on the given images and
// writes their boxes, keypoints and 468 landmarks in frame pixels as JSON.
//   node mediapipe_reference.mjs OUT.json IMAGE...
// Offline: the packages are served from node_modules by a local HTTP server. Its output for the
// test photos is kept as tests/vision/mediapipe_reference.json; the slow ctest
// vision.mediapipe_reference_fresh regenerates it into the build folder and runs the
// conformance test against the fresh copy.
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { extname, resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [out, ...images] = process.argv.slice(2);
if (!out || images.length === 0) {
  console.error('usage: node mediapipe_reference.mjs OUT.json IMAGE...');
  process.exit(2);
}

const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.data': 'application/octet-stream', '.tflite': 'application/octet-stream',
  '.binarypb': 'application/octet-stream' };
const page_html = `<!doctype html><html><body>
<script src="/mp/face_detection/face_detection.js"></script>
<script src="/mp/face_mesh/face_mesh.js"></script></body></html>`;

const server = createServer(async (req, res) => {
  try {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let body;
    if (url === '/') body = Buffer.from(page_html);
    else if (url.startsWith('/mp/')) body = await readFile(resolve(root, 'node_modules/@mediapipe', url.slice(4)));
    else if (url.startsWith('/img/')) body = await readFile(images[Number(url.slice(5))]);
    else throw new Error('not found');
    res.writeHead(200, { 'Content-Type': url === '/' ? 'text/html' : types[extname(url)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (process.env.VERBOSE) console.error('page:', m.text()); });
  await page.goto(base + '/');
  const results = [];
  // One instance of each solution; reset() before every image so the mesh never tracks from the
  // previous picture (every image goes through detection, as a static image does).
  await page.evaluate(() => {
    const locate = (pkg) => (f) => `/mp/${pkg}/${f}`;
    window.det = new FaceDetection({ locateFile: locate('face_detection') });
    // Defaults: min score 0.5 (setting minDetectionConfidence loses num_classes in this build).
    window.det.setOptions({ model: 'short' });
    window.det.onResults((res) => { window.detections = res.detections; });
    window.mesh = new FaceMesh({ locateFile: locate('face_mesh') });
    window.mesh.setOptions({ maxNumFaces: 1, refineLandmarks: false });
    window.mesh.onResults((res) => { window.faces = res.multiFaceLandmarks || []; });
  });
  for (let i = 0; i < images.length; ++i) {
    const r = await page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const W = img.naturalWidth, H = img.naturalHeight;
      window.detections = [];
      window.faces = [];
      window.det.reset();
      await window.det.send({ image: img });
      window.mesh.reset();
      await window.mesh.send({ image: img });
      return {
        width: W, height: H,
        detections: window.detections.map((d) => ({
          x0: (d.boundingBox.xCenter - d.boundingBox.width / 2) * W,
          y0: (d.boundingBox.yCenter - d.boundingBox.height / 2) * H,
          x1: (d.boundingBox.xCenter + d.boundingBox.width / 2) * W,
          y1: (d.boundingBox.yCenter + d.boundingBox.height / 2) * H,
          keypoints: d.landmarks.map((p) => [p.x * W, p.y * H]),
        })),
        landmarks: window.faces.map((f) => f.map((p) => [p.x * W, p.y * H, p.z * W])),
      };
    }, `${base}/img/${i}`);
    r.image = basename(images[i]);
    results.push(r);
    console.error(`${r.image}: ${r.detections.length} detections, ${r.landmarks.length} meshes`);
  }
  const round = (key, v) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);
  await writeFile(out, JSON.stringify({ reference: 'MediaPipe web solutions (wasm) in headless Chromium',
    face_detection: '@mediapipe/face_detection short range', face_mesh: '@mediapipe/face_mesh (refineLandmarks: false)',
    images: results }, round) + '\n');
} finally {
  await browser.close();
  server.close();
}
