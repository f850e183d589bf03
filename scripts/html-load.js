// SPDX-License-Identifier: GPL-2.0
/*
 * Opens an HTML timeline in headless Chromium through the DevTools protocol
 * and measures it in real time (a --virtual-time-budget run freezes the
 * page's clock): seconds until the first frame, JavaScript errors, the
 * renderer's resident memory, and the time of a redraw of windows of
 * 1 .. 1e-4 of the trace around its middle (cold: the first, which decodes
 * the chunks in view; warm: the second).  One line of JSON on stdout.
 *
 *   node --experimental-websocket scripts/html-load.js PAGE.html [CHROMIUM]
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const page = path.resolve(process.argv[2] || '');
const browser = process.argv[3] || 'chromium';
if (!process.argv[2] || !fs.existsSync(page)) {
  console.error('usage: html-load.js PAGE.html [CHROMIUM]');
  process.exit(2);
}
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-cdp-'));
const chrome = spawn(browser, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--user-data-dir=' + profile, '--window-size=1400,900', '--remote-debugging-port=0',
  'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
function done(code, out) {
  if (out) console.log(JSON.stringify(out));
  chrome.on('exit', () => {
    try { fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); } catch (e) { /* chromium's helpers may still be writing */ }
    process.exit(code);
  });
  chrome.kill();
}
/* Resident memory of the page's renderer processes, MB (typed arrays live outside the JS heap). */
function rendererMb() {
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd;
    try { cmd = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8'); } catch (e) { continue; }
    if (!cmd.includes(profile) || !cmd.includes('--type=renderer')) continue;
    try {
      const m = fs.readFileSync('/proc/' + pid + '/status', 'utf8').match(/VmRSS:\s+(\d+)/);
      if (m) kb += +m[1];
    } catch (e) { /* gone */ }
  }
  return +(kb / 1024).toFixed(0);
}
setTimeout(() => { console.error('html-load: timed out'); done(1); }, 600000);

let buf = '';
chrome.stderr.on('data', (d) => {
  buf += d;
  const m = buf.match(/DevTools listening on (ws:\S+)/);
  if (m && !chrome.started) { chrome.started = true; run(m[1]).catch((e) => { console.error('html-load: ' + e); done(1); }); }
});

async function run(url) {
  const ws = new WebSocket(url);
  await new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
  let id = 0;
  const waiting = new Map(), errors = [];
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && waiting.has(msg.id)) {
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) w.rej(new Error(JSON.stringify(msg.error))); else w.res(msg.result);
    } else if (msg.method === 'Runtime.exceptionThrown') {
      errors.push(msg.params.exceptionDetails.text + ' ' + (msg.params.exceptionDetails.exception || {}).description);
    } else if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') {
      errors.push(msg.params.args.map((a) => a.value || a.description).join(' '));
    }
  };
  const send = (method, params, sessionId) => new Promise((res, rej) => {
    const m = { id: ++id, method, params: params || {} };
    if (sessionId) m.sessionId = sessionId;
    waiting.set(m.id, { res, rej });
    ws.send(JSON.stringify(m));
  });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const ev = async (expr) => (await send('Runtime.evaluate', { expression: expr, returnByValue: true }, sessionId)).result.value;
  await send('Runtime.enable', {}, sessionId);
  await send('Page.enable', {}, sessionId);
  const t0 = Date.now();
  await send('Page.navigate', { url: 'file://' + page }, sessionId);
  let status = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await ev("(document.getElementById('status') || {}).textContent || ''")) || '';
    if (status.startsWith('rendered') || /errors: [1-9]/.test(status) || errors.length) break;
  }
  const ready = (Date.now() - t0) / 1000;
  /* windows in the middle of the trace, each drawn twice: cold (decodes) and warm */
  const out = { page: path.basename(page), bytes: fs.statSync(page).size, ready_s: ready, zoom: [] };
  for (const frac of [1, 0.1, 0.01, 0.001, 0.0001]) {
    out.zoom.push(await ev(`(function () {
      var T = schedlab.end ? schedlab.end() : JSON.parse(document.getElementById('sl-tail').textContent).end;
      var a = T * (0.5 - ${frac} / 2), b = T * (0.5 + ${frac} / 2);
      var t = performance.now(), s = schedlab.view(a, b), cold = performance.now() - t;
      t = performance.now(); s = schedlab.view(a, b);
      return { frac: ${frac}, cold_ms: +cold.toFixed(1), warm_ms: +(performance.now() - t).toFixed(1),
               intervals: s.iv, from_bins: s.binLanes };
    })()`));
  }
  out.renderer_mb = rendererMb();
  out.errors = errors.length;
  out.status = status.split('\n')[0];
  if (errors.length) out.error_text = errors.slice(0, 3);
  ws.close();
  done(errors.length ? 1 : 0, out);
}
