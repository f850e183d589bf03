/*
 * schedlab's HTML timeline viewer: plain ES5 drawing on a canvas, run once
 * the JSON blocks of the page (written by html.c, which documents the
 * record stream) have been parsed.  It sorts each lane by start time into
 * typed arrays, finds the visible range by binary search, and merges
 * intervals narrower than a pixel into the one that covers most of that
 * pixel, so a million intervals stay interactive.  It writes what it drew,
 * and any error, into <pre id="status">, which the browser test reads.
 */
(function () {
'use strict';
var loadStart = performance.now(), loadMs = -1;
var statusEl = document.getElementById('status');
var errors = [];
var statusText = 'loading';
function showStatus() {
  statusEl.textContent = statusText + ', errors: ' + errors.length +
    (errors.length ? '\n' + errors.join('\n') : '');
}
window.addEventListener('error', function (ev) {
  errors.push(String(ev.message || ev));
  showStatus();
});
var consoleError = console.error;
console.error = function () {
  errors.push(Array.prototype.join.call(arguments, ' '));
  showStatus();
  return consoleError.apply(console, arguments);
};

function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }
var head = readJson('sl-head'), tail = readJson('sl-tail'), raw = readJson('sl-data');

var STATES = ['running', 'runnable (woken)', 'runnable (preempted)', 'disk I/O',
  'queue full', 'queue empty', 'lock', 'sleep', 'other blocked'];
var SCOLOR = ['#2e7d32', '#fbc02d', '#ef6c00', '#8e24aa', '#d32f2f', '#1e88e5',
  '#5d4037', '#cfd8dc', '#8d6e63'];
var IDLE_COLOR = '#eceff1', OTHER_COLOR = '#90a4ae';
var LABEL = 200, AXIS = 30, LANE_H = 18, GAP = 3, SECTION = 20, QUEUE_H = 60;

/* ---- decode the flat record stream (see html.c) ---- */
function newLane() { return { s: [], e: [], v: [], x: [] }; }
var cpuRaw = [], taskRaw = {}, queueRaw = {};
var wk = { t: [], from: [], to: [], cpu: [], isNew: [] };
var t = 0, i = 0, n = raw.length, nIv = 0, L, k;
for (var c0 = 0; c0 < tail.ncpu; c0++) cpuRaw.push(newLane());
while (i < n) {
  k = raw[i];
  if (k === 1) {
    t += raw[i + 3];
    while (raw[i + 1] >= cpuRaw.length) cpuRaw.push(newLane());
    L = cpuRaw[raw[i + 1]];
    L.s.push(t); L.e.push(t + raw[i + 4]); L.v.push(raw[i + 2]); L.x.push(0);
    i += 5; nIv++;
  } else if (k === 2) {
    t += raw[i + 4];
    L = taskRaw[raw[i + 1]] || (taskRaw[raw[i + 1]] = newLane());
    L.s.push(t); L.e.push(t + raw[i + 5]); L.v.push(raw[i + 2]); L.x.push(raw[i + 3]);
    i += 6; nIv++;
  } else if (k === 3 || k === 5) {
    t += raw[i + 4];
    wk.t.push(t); wk.from.push(raw[i + 1]); wk.to.push(raw[i + 2]); wk.cpu.push(raw[i + 3]);
    wk.isNew.push(k === 5);
    i += 5;
  } else if (k === 4) {
    t += raw[i + 3];
    var Q = queueRaw[raw[i + 1]] || (queueRaw[raw[i + 1]] = { t: [], d: [] });
    Q.t.push(t); Q.d.push(raw[i + 2]);
    i += 4;
  } else {
    throw new Error('bad record type ' + k + ' at ' + i);
  }
}
raw = null;

/* Typed arrays sorted by start, with a running max of ends for lookups. */
function finish(R) {
  var m = R.s.length, sorted = true, j, o, mx = -Infinity;
  for (j = 1; j < m; j++) if (R.s[j] < R.s[j - 1]) { sorted = false; break; }
  var idx = null;
  if (!sorted) {
    idx = new Uint32Array(m);
    for (j = 0; j < m; j++) idx[j] = j;
    idx.sort(function (a, b) { return R.s[a] - R.s[b]; });
  }
  var F = { s: new Float64Array(m), e: new Float64Array(m), v: new Int32Array(m),
    x: new Int32Array(m), m: new Float64Array(m), n: m };
  for (j = 0; j < m; j++) {
    o = idx ? idx[j] : j;
    F.s[j] = R.s[o]; F.e[j] = R.e[o]; F.v[j] = R.v[o]; F.x[j] = R.x[o];
    mx = Math.max(mx, F.e[j]); F.m[j] = mx;
  }
  return F;
}
/* first index with a[idx] > x (a non-decreasing) */
function upper(a, n, x) {
  var lo = 0, hi = n;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] > x) hi = mid; else lo = mid + 1; }
  return lo;
}
/* first index with a[idx] >= x */
function lower(a, n, x) {
  var lo = 0, hi = n;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] >= x) hi = mid; else lo = mid + 1; }
  return lo;
}

var cpuLanes = cpuRaw.map(finish); cpuRaw = null;
var taskLanes = {};
Object.keys(taskRaw).forEach(function (p) { taskLanes[p] = finish(taskRaw[p]); });
taskRaw = null;
var queues = [];
Object.keys(queueRaw).sort(function (a, b) { return a - b; }).forEach(function (q) {
  var R = queueRaw[q], mx = 0;
  for (var j = 0; j < R.d.length; j++) mx = Math.max(mx, R.d[j]);
  queues.push({ id: +q, t: new Float64Array(R.t), d: new Int32Array(R.d), n: R.t.length, max: mx });
});
queueRaw = null;
var wakes = { t: new Float64Array(wk.t), from: wk.from, to: wk.to, cpu: wk.cpu, isNew: wk.isNew, n: wk.t.length };
wk = null;

/* ---- tasks, symbols and colours ---- */
var tasks = {}, order = [];
tail.tasks.forEach(function (r) {
  tasks[r[0]] = { pid: r[0], tgid: r[1], comm: r[2], sym: r[3], role: r[4] };
  order.push(r[0]);
});
Object.keys(taskLanes).map(Number).sort(function (a, b) { return a - b; }).forEach(function (p) {
  if (!tasks[p]) { tasks[p] = { pid: p, tgid: p, comm: '?', sym: '?', role: 3 }; order.push(p); }
});
/* task hues kept apart from the state colours: magenta producers, teal consumers */
var ROLE_HUE = [320, 180, 48, 22], roleCount = [0, 0, 0, 0];
order.forEach(function (p) {
  var tk = tasks[p], r = tk.role, j = roleCount[r]++;
  tk.color = 'hsl(' + (ROLE_HUE[r] + (j % 3) * 12) + ',' + (r === 3 ? 45 : 60) + '%,' +
    (34 + (j * 11) % 30) + '%)';
});
function taskName(p) {
  var tk = tasks[p];
  return tk ? tk.sym + ' ' + tk.comm + ' (pid ' + p + ')' : 'pid ' + p;
}
function occColor(v) {
  if (v === 0) return IDLE_COLOR;
  if (v === -1) return OTHER_COLOR;
  return tasks[v] ? tasks[v].color : '#000';
}
function occName(v) { return v === 0 ? 'idle' : v === -1 ? 'other (untraced) tasks' : taskName(v); }
function stateColor(v) { return SCOLOR[v] || '#000'; }

/* ---- page text ---- */
function fmt(ns) {
  var a = Math.abs(ns);
  if (a >= 1e9) return +(ns / 1e9).toFixed(3) + ' s';
  if (a >= 1e6) return +(ns / 1e6).toFixed(3) + ' ms';
  if (a >= 1e3) return +(ns / 1e3).toFixed(3) + ' us';
  return Math.round(ns) + ' ns';
}
var summary = tail.summary !== null ? tail.summary : head.summary;
document.getElementById('summary').textContent = summary || '(no report summary)';
var endT = tail.end;
cpuLanes.forEach(function (F) { if (F.n) endT = Math.max(endT, F.m[F.n - 1]); });
if (!(endT > 0)) endT = 1;
document.getElementById('meta').textContent = 'kernel ' + (tail.kernel || '?') + ', ' +
  cpuLanes.length + ' CPUs, ' + fmt(endT) + ' traced' + (tail.cmdline ? ', ' + tail.cmdline : '') +
  ', ' + nIv + ' intervals, ' + wakes.n + ' wakeups';

var legend = document.getElementById('legend');
function swatch(color, text) {
  var s = document.createElement('span'), b = document.createElement('b');
  s.className = 'sw'; b.style.background = color; s.appendChild(b);
  s.appendChild(document.createTextNode(text)); legend.appendChild(s);
}
STATES.forEach(function (name, j) { swatch(SCOLOR[j], name); });
legend.appendChild(document.createElement('br'));
swatch(IDLE_COLOR, 'idle'); swatch(OTHER_COLOR, 'other tasks');
order.forEach(function (p) { swatch(tasks[p].color, tasks[p].sym + ' ' + tasks[p].comm + ' (' + p + ')'); });

/* ---- layout ---- */
var rows = [], taskRow = {}, cpuRow = [];
function layout() {
  var y = AXIS;
  rows = []; taskRow = {}; cpuRow = [];
  rows.push({ kind: 'head', y: y, h: SECTION, label: 'CPUs: who held each CPU' }); y += SECTION;
  cpuLanes.forEach(function (F, c) {
    var r = { kind: 'cpu', y: y, h: LANE_H, lane: F, label: 'cpu' + c, id: c };
    rows.push(r); cpuRow[c] = r; y += LANE_H + GAP;
  });
  rows.push({ kind: 'head', y: y, h: SECTION, label: 'Tasks: what each one was doing' }); y += SECTION;
  order.forEach(function (p) {
    if (!taskLanes[p]) return;
    var r = { kind: 'task', y: y, h: LANE_H, lane: taskLanes[p], label: tasks[p].sym + ' ' + tasks[p].comm, id: p };
    rows.push(r); taskRow[p] = r; y += LANE_H + GAP;
  });
  if (queues.length) { rows.push({ kind: 'head', y: y, h: SECTION, label: 'Queue depth' }); y += SECTION; }
  queues.forEach(function (Q) {
    rows.push({ kind: 'queue', y: y, h: QUEUE_H, q: Q, label: 'queue ' + Q.id, id: Q.id });
    y += QUEUE_H + GAP;
  });
  return y + 4;
}

var canvas = document.getElementById('cv'), ctx = canvas.getContext('2d');
var cssW = 0, cssH = 0, W = 0;
var v0 = 0, v1 = endT;
function resize() {
  var dpr = window.devicePixelRatio || 1;
  cssW = Math.max(400, canvas.parentNode.clientWidth);
  cssH = layout();
  W = cssW - LABEL;
  canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr);
  canvas.style.width = cssW + 'px'; canvas.style.height = cssH + 'px';
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
}
function xOf(tt) { return LABEL + (tt - v0) * W / (v1 - v0); }
function tOf(x) { return v0 + (x - LABEL) * (v1 - v0) / W; }

/* ---- drawing ---- */
function drawAxis() {
  var span = v1 - v0, raw = span / Math.max(1, W / 110);
  var p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
  var step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, cssW, AXIS);
  ctx.strokeStyle = '#e0e0e0'; ctx.fillStyle = '#333'; ctx.font = '11px sans-serif';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  for (var tt = Math.ceil(v0 / step) * step; tt <= v1; tt += step) {
    var x = Math.round(xOf(tt)) + 0.5;
    ctx.moveTo(x, AXIS - 8); ctx.lineTo(x, cssH);
    ctx.fillText(fmt(tt), x + 2, 6);
  }
  ctx.stroke();
  ctx.fillText('time since trace start', 6, 6);
}

/* Intervals of one lane; several within one pixel merge into the one that covers most of it. */
function drawIntervals(F, y, h, colorOf, textOf) {
  if (!F.n) return 0;
  var sc = W / (v1 - v0), j = upper(F.m, F.n, v0), drawn = 0;
  var px = -1, accV = [], accD = [];
  function flush() {
    if (px < 0) return;
    var best = 0;
    for (var q = 1; q < accV.length; q++) if (accD[q] > accD[best]) best = q;
    ctx.fillStyle = colorOf(accV[best]);
    ctx.fillRect(LABEL + px, y, 1, h);
    px = -1; accV.length = 0; accD.length = 0;
  }
  for (; j < F.n; j++) {
    var s = F.s[j];
    if (s >= v1) break;
    var e = F.e[j], x0 = (s - v0) * sc, x1 = (e - v0) * sc;
    if (x0 < 0) x0 = 0;
    if (x1 > W) x1 = W;
    drawn++;
    if (x1 - x0 >= 1) {
      flush();
      ctx.fillStyle = colorOf(F.v[j]);
      ctx.fillRect(LABEL + x0, y, x1 - x0, h);
      if (textOf && x1 - x0 > 30) {
        var txt = textOf(F.v[j]);
        if (txt) {
          ctx.save(); ctx.beginPath(); ctx.rect(LABEL + x0, y, x1 - x0, h); ctx.clip();
          ctx.fillStyle = '#fff'; ctx.fillText(txt, LABEL + x0 + 3, y + 3); ctx.restore();
        }
      }
    } else {
      var p = Math.floor(x0);
      if (p !== px) { flush(); px = p; }
      var v = F.v[j], d = e - s, q = 0;
      for (; q < accV.length; q++) if (accV[q] === v) { accD[q] += d; break; }
      if (q === accV.length && q < 8) { accV.push(v); accD.push(d); }
    }
  }
  flush();
  return drawn;
}

function queueCap(Q) { return Math.max(tail.capacity || 0, Q.max, 1); }
/* Depth as an envelope per pixel: dark up to the lowest depth in the pixel, light up to the highest. */
function drawQueue(Q, y, h) {
  var cap = queueCap(Q), base = y + h - 2, sc = (h - 6) / cap;
  ctx.fillStyle = '#fafafa'; ctx.fillRect(LABEL, y, W, h);
  if (!Q.n) return;
  var k = upper(Q.t, Q.n, v0), depth = k > 0 ? Q.d[k - 1] : -1;
  var stop = Math.min(v1, endT);
  for (var px = 0; px < W; px++) {
    var a = v0 + px * (v1 - v0) / W, b = v0 + (px + 1) * (v1 - v0) / W;
    if (a >= stop) break;
    var mx = depth, mn = depth;
    while (k < Q.n && Q.t[k] < b) {
      depth = Q.d[k++];
      if (mn < 0) mn = depth;
      if (depth > mx) mx = depth;
      if (depth < mn) mn = depth;
    }
    if (mx < 0) continue;
    ctx.fillStyle = '#90caf9'; ctx.fillRect(LABEL + px, base - mx * sc, 1, mx * sc);
    ctx.fillStyle = '#1565c0'; ctx.fillRect(LABEL + px, base - mn * sc, 1, mn * sc);
  }
  ctx.strokeStyle = '#c62828'; ctx.setLineDash([4, 3]); ctx.beginPath();
  ctx.moveTo(LABEL, base - cap * sc + 0.5); ctx.lineTo(LABEL + W, base - cap * sc + 0.5); ctx.stroke();
  ctx.setLineDash([]);
  var capText = (tail.capacity ? 'capacity ' : 'max ') + cap;
  ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(LABEL + 2, y + 1, ctx.measureText(capText).width + 4, 13);
  ctx.fillStyle = '#c62828'; ctx.fillText(capText, LABEL + 4, y + 2);
}

var arrowNote = '';
function drawArrows() {
  var a = lower(wakes.t, wakes.n, v0), b = lower(wakes.t, wakes.n, v1), drawn = 0;
  arrowNote = '';
  /* more than one arrow per few pixels is a red smear: ask for a closer look */
  if (b - a > Math.max(50, W / 3)) { arrowNote = 'zoom in to see ' + (b - a) + ' wakeup arrows'; return 0; }
  ctx.strokeStyle = 'rgba(183,28,28,0.85)'; ctx.fillStyle = 'rgba(183,28,28,0.85)'; ctx.lineWidth = 1;
  for (var j = a; j < b; j++) {
    var to = taskRow[wakes.to[j]];
    if (!to) continue;
    var from = taskRow[wakes.from[j]] || cpuRow[wakes.cpu[j]];
    var tt = wakes.t[j], t2 = tt, F = to.lane, q = lower(F.s, F.n, tt);
    for (var look = 0; look < 4 && q < F.n; look++, q++) if (F.v[q] === 0) { t2 = F.s[q]; break; }
    var x0 = xOf(tt), y0 = from ? from.y + from.h / 2 : to.y - 4, x1 = xOf(t2), y1 = to.y + to.h / 2;
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
    var ang = Math.atan2(y1 - y0, x1 - x0);
    ctx.beginPath(); ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 6 * Math.cos(ang - 0.4), y1 - 6 * Math.sin(ang - 0.4));
    ctx.lineTo(x1 - 6 * Math.cos(ang + 0.4), y1 - 6 * Math.sin(ang + 0.4));
    ctx.closePath(); ctx.fill();
    drawn++;
  }
  return drawn;
}

var wakeBox = document.getElementById('wakeups');
var lastStats = null;
function draw() {
  var t0 = performance.now(), drawnIv = 0, drawnWk = 0;
  ctx.clearRect(0, 0, cssW, cssH);
  ctx.font = '11px sans-serif'; ctx.textBaseline = 'top';
  drawAxis();
  rows.forEach(function (r) {
    if (r.kind === 'head') {
      ctx.fillStyle = '#37474f'; ctx.font = 'bold 12px sans-serif';
      ctx.fillText(r.label, 6, r.y + 4); ctx.font = '11px sans-serif';
      return;
    }
    ctx.fillStyle = '#263238'; ctx.fillText(r.label, 6, r.y + 3);
    ctx.save(); ctx.beginPath(); ctx.rect(LABEL, r.y, W, r.h); ctx.clip();
    if (r.kind === 'cpu') {
      drawnIv += drawIntervals(r.lane, r.y, r.h, occColor, function (v) { return v > 0 && tasks[v] ? tasks[v].sym : ''; });
    } else if (r.kind === 'task') {
      drawnIv += drawIntervals(r.lane, r.y, r.h, stateColor, function (v) { return v === 0 ? '' : STATES[v]; });
    } else {
      drawQueue(r.q, r.y, r.h);
    }
    ctx.restore();
  });
  if (wakeBox.checked) drawnWk = drawArrows();
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, LABEL - 2, AXIS);
  ctx.fillStyle = '#333'; ctx.fillText(fmt(v0) + ' .. ' + fmt(v1), 6, 16);
  lastStats = { ms: performance.now() - t0, iv: drawnIv, wk: drawnWk };
  var nTask = rows.filter(function (r) { return r.kind === 'task'; }).length;
  if (loadMs < 0) loadMs = performance.now() - loadStart;
  statusText = 'rendered ' + cpuLanes.length + ' cpu lanes, ' + nTask + ' task lanes, ' +
    queues.length + ' queue tracks, ' + drawnIv + ' intervals in view, ' +
    (wakeBox.checked ? drawnWk + ' wakeup arrows' + (arrowNote ? ' (' + arrowNote + ')' : '') + ', ' : '') +
    'drawn in ' + lastStats.ms.toFixed(1) + ' ms (page ready in ' + loadMs.toFixed(0) + ' ms)';
  showStatus();
}
var pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(function () { pending = false; draw(); });
}

/* ---- interaction ---- */
function clampView() {
  var span = v1 - v0, minSpan = 100;
  if (span < minSpan) { var mid = (v0 + v1) / 2; v0 = mid - minSpan / 2; v1 = mid + minSpan / 2; }
}
canvas.addEventListener('wheel', function (ev) {
  var rect = canvas.getBoundingClientRect(), x = ev.clientX - rect.left;
  if (x < LABEL) return;
  ev.preventDefault();
  var tm = tOf(x), f = Math.exp(ev.deltaY * 0.0015);
  v0 = tm - (tm - v0) * f; v1 = tm + (v1 - tm) * f;
  clampView(); hideTip(); schedule();
}, { passive: false });
var drag = null;
canvas.addEventListener('mousedown', function (ev) {
  drag = { x: ev.clientX, v0: v0, v1: v1 }; canvas.style.cursor = 'grabbing'; hideTip();
});
window.addEventListener('mouseup', function () { drag = null; canvas.style.cursor = ''; });
window.addEventListener('mousemove', function (ev) {
  if (!drag) return;
  var dt = (ev.clientX - drag.x) * (drag.v1 - drag.v0) / W;
  v0 = drag.v0 - dt; v1 = drag.v1 - dt; schedule();
});
function reset() { v0 = 0; v1 = endT; schedule(); }
canvas.addEventListener('dblclick', reset);
document.getElementById('reset').addEventListener('click', reset);
wakeBox.addEventListener('change', schedule);
window.addEventListener('resize', function () { resize(); schedule(); });

var tip = document.getElementById('tip');
function hideTip() { tip.style.display = 'none'; }
/* index of the interval under time tt, or the nearest within `slack` ns; -1 if none */
function hit(F, tt, slack) {
  var j = upper(F.s, F.n, tt) - 1;
  if (j >= 0 && F.e[j] > tt) return j;
  var best = -1, dist = slack;
  if (j >= 0 && tt - F.e[j] <= dist) { best = j; dist = tt - F.e[j]; }
  if (j + 1 < F.n && F.s[j + 1] - tt <= dist) best = j + 1;
  return best;
}
/* Why pid left the CPU at time tt: the state its task lane enters then. */
function leftBecause(pid, tt) {
  var F = taskLanes[pid];
  if (!F) return '';
  var j = upper(F.s, F.n, tt) - 1;
  if (j < 0 || F.e[j] <= tt) return '';
  return F.v[j] === 0 ? 'still running' : STATES[F.v[j]];
}
function describe(r, tt, slack) {
  var F = r.lane, j, lines;
  if (r.kind === 'queue') {
    var Q = r.q, q = upper(Q.t, Q.n, tt) - 1;
    if (q < 0 || tt > endT) return null;
    return 'queue ' + Q.id + '\ndepth ' + Q.d[q] + ' of ' + queueCap(Q) + '\nsince ' + fmt(Q.t[q]);
  }
  if (!F || (j = hit(F, tt, slack)) < 0) return null;
  var s = F.s[j], e = F.e[j], v = F.v[j];
  if (r.kind === 'cpu') {
    lines = ['cpu' + r.id + ': ' + occName(v), 'start ' + fmt(s), 'duration ' + fmt(e - s)];
    if (v > 0) {
      var why = leftBecause(v, e);
      if (why) lines.push('then: ' + why);
    }
  } else {
    lines = [taskName(r.id), 'state: ' + STATES[v] + (v === 0 && F.x[j] >= 0 ? ' on cpu' + F.x[j] : ''),
      'start ' + fmt(s), 'duration ' + fmt(e - s)];
    if (v === 1 || v === 2) lines.push('reason: waiting for a CPU');
    else if (v > 2) lines.push('reason: blocked, ' + STATES[v]);
  }
  return lines.join('\n');
}
canvas.addEventListener('mousemove', function (ev) {
  if (drag) return;
  var rect = canvas.getBoundingClientRect(), x = ev.clientX - rect.left, y = ev.clientY - rect.top;
  var r = null;
  for (var j = 0; j < rows.length; j++) if (rows[j].kind !== 'head' && y >= rows[j].y && y < rows[j].y + rows[j].h) r = rows[j];
  var text = r && x >= LABEL ? describe(r, tOf(x), 3 * (v1 - v0) / W) : null;
  if (!text) { hideTip(); return; }
  tip.textContent = text;
  tip.style.display = 'block';
  tip.style.left = Math.min(x + 14, cssW - 260) + 'px';
  tip.style.top = (y + 14) + 'px';
});
canvas.addEventListener('mouseleave', hideTip);

/* hooks for tests and the curious: window.schedlab.view(from, to) */
window.schedlab = {
  view: function (a, b) { v0 = a; v1 = b; clampView(); draw(); return lastStats; },
  describe: function (kind, id, tt) {
    var r = rows.filter(function (x) { return x.kind === kind && x.id === id; })[0];
    return r ? describe(r, tt, 0) : null;
  },
  stats: function () { return lastStats; }
};

/*
 * The page's hash can set the first view, for links and for the browser
 * test: #from=NS&to=NS&wakeups=1&probe=cpu,0,NS;task,PID,NS writes what
 * the tooltip would say at each probe into <pre id="probe">.
 */
var opts = {};
location.hash.replace(/^#/, '').split('&').forEach(function (p) {
  var kv = p.split('=');
  if (kv[0]) opts[kv[0]] = decodeURIComponent(kv[1] || '');
});
if (opts.from !== undefined && opts.to !== undefined) { v0 = +opts.from; v1 = +opts.to; clampView(); }
if (opts.wakeups) wakeBox.checked = opts.wakeups === '1';

resize();
draw();
if (opts.probe) {
  document.getElementById('probe').textContent = opts.probe.split(';').map(function (p) {
    var a = p.split(',');
    return window.schedlab.describe(a[0], +a[1], +a[2]) || 'nothing';
  }).join('\n--\n');
}
})();
