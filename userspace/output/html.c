// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML timeline writer.  The page is written front to back while the
 * stream runs:
 *
 *   <style>, page skeleton
 *   <script type="application/json" id="sl-head">  {"summary": ...}
 *   <script type="application/json" id="sl-data">  [ records ... ]
 *   <script type="application/json" id="sl-tail">  {tasks, end, ...}
 *   <script> the viewer </script>
 *
 * sl-data is one flat JSON array of numbers, a record after another:
 *   1, cpu, occupant, dt, duration      CPU interval (occupant: pid, 0 idle, -1 other)
 *   2, pid, state, cpu, dt, duration    task interval (state: enum sl_task_state, cpu -1 off-CPU)
 *   3, waker, wakee, cpu, dt            sched_waking of a traced task (5: wakeup_new)
 *   4, queue, depth, dt                 queue depth after a push or pop
 * dt is the record's start time minus the previous record's, in ns, with
 * times counted from the trace start: deltas keep the numbers short.
 * Nothing is held back, so memory does not grow with the trace.
 *
 * The viewer (html_viewer_js below) is plain ES5 drawing on a canvas.  It
 * sorts each lane by start time into typed arrays, finds the visible range
 * by binary search, and merges intervals narrower than a pixel into the one
 * that covers most of that pixel, so a million intervals stay interactive.
 * It writes what it drew, and any error, into <pre id="status">, which the
 * browser test reads.  Edit the JavaScript here, in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "timeline_tasks.h"

/* The page up to the data: style and skeleton. */
static const char html_page_head[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>schedlab timeline</title>\n"
	"<style>\n"
	"body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fff; }\n"
	"header { padding: 8px 12px; border-bottom: 1px solid #ddd; }\n"
	"h1 { font-size: 16px; margin: 0 0 4px; }\n"
	"#meta { color: #555; }\n"
	"details { margin: 6px 0; }\n"
	"#summary { font: 12px/1.3 ui-monospace, monospace; max-height: 30vh; overflow: auto;\n"
	"  background: #f6f8fa; padding: 8px; margin: 4px 0; white-space: pre; }\n"
	"#controls { margin: 6px 0; }\n"
	".hint { color: #777; margin-left: 8px; }\n"
	"#legend .sw { display: inline-block; margin: 2px 12px 2px 0; white-space: nowrap; }\n"
	"#legend b { display: inline-block; width: 12px; height: 12px; margin-right: 4px;\n"
	"  vertical-align: -2px; border: 1px solid rgba(0,0,0,.2); }\n"
	"#wrap { position: relative; margin: 0 12px; }\n"
	"#cv { display: block; cursor: grab; }\n"
	"#tip { position: absolute; display: none; pointer-events: none; background: #263238; color: #fff;\n"
	"  padding: 6px 8px; border-radius: 4px; font: 12px/1.35 ui-monospace, monospace;\n"
	"  white-space: pre; z-index: 2; }\n"
	"#status { margin: 6px 12px; color: #666; font: 11px ui-monospace, monospace; white-space: pre-wrap; }\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<header>\n"
	"<h1>schedlab timeline</h1>\n"
	"<div id=\"meta\"></div>\n"
	"<details open><summary>Report</summary><pre id=\"summary\"></pre></details>\n"
	"<div id=\"controls\"><label><input type=\"checkbox\" id=\"wakeups\"> wakeup arrows</label>\n"
	"<button id=\"reset\">reset zoom</button>\n"
	"<span class=\"hint\">wheel zooms, drag pans, double-click resets, hover explains</span></div>\n"
	"<div id=\"legend\"></div>\n"
	"</header>\n"
	"<div id=\"wrap\"><canvas id=\"cv\"></canvas><div id=\"tip\"></div></div>\n"
	"<pre id=\"status\">loading (if this stays, JavaScript is off or failed)</pre>\n"
	"<pre id=\"probe\" hidden></pre>\n";

/* The viewer, run once the data above has been parsed. */
static const char html_viewer_js[] =
	"(function () {\n"
	"'use strict';\n"
	"var loadStart = performance.now(), loadMs = -1;\n"
	"var statusEl = document.getElementById('status');\n"
	"var errors = [];\n"
	"var statusText = 'loading';\n"
	"function showStatus() {\n"
	"  statusEl.textContent = statusText + ', errors: ' + errors.length +\n"
	"    (errors.length ? '\\n' + errors.join('\\n') : '');\n"
	"}\n"
	"window.addEventListener('error', function (ev) {\n"
	"  errors.push(String(ev.message || ev));\n"
	"  showStatus();\n"
	"});\n"
	"var consoleError = console.error;\n"
	"console.error = function () {\n"
	"  errors.push(Array.prototype.join.call(arguments, ' '));\n"
	"  showStatus();\n"
	"  return consoleError.apply(console, arguments);\n"
	"};\n"
	"\n"
	"function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }\n"
	"var head = readJson('sl-head'), tail = readJson('sl-tail'), raw = readJson('sl-data');\n"
	"\n"
	"var STATES = ['running', 'runnable (woken)', 'runnable (preempted)', 'disk I/O',\n"
	"  'queue full', 'queue empty', 'lock', 'sleep', 'other blocked'];\n"
	"var SCOLOR = ['#2e7d32', '#fbc02d', '#ef6c00', '#8e24aa', '#d32f2f', '#1e88e5',\n"
	"  '#5d4037', '#cfd8dc', '#8d6e63'];\n"
	"var IDLE_COLOR = '#eceff1', OTHER_COLOR = '#90a4ae';\n"
	"var LABEL = 200, AXIS = 30, LANE_H = 18, GAP = 3, SECTION = 20, QUEUE_H = 60;\n"
	"\n"
	"/* ---- decode the flat record stream (see html.c) ---- */\n"
	"function newLane() { return { s: [], e: [], v: [], x: [] }; }\n"
	"var cpuRaw = [], taskRaw = {}, queueRaw = {};\n"
	"var wk = { t: [], from: [], to: [], cpu: [], isNew: [] };\n"
	"var t = 0, i = 0, n = raw.length, nIv = 0, L, k;\n"
	"for (var c0 = 0; c0 < tail.ncpu; c0++) cpuRaw.push(newLane());\n"
	"while (i < n) {\n"
	"  k = raw[i];\n"
	"  if (k === 1) {\n"
	"    t += raw[i + 3];\n"
	"    while (raw[i + 1] >= cpuRaw.length) cpuRaw.push(newLane());\n"
	"    L = cpuRaw[raw[i + 1]];\n"
	"    L.s.push(t); L.e.push(t + raw[i + 4]); L.v.push(raw[i + 2]); L.x.push(0);\n"
	"    i += 5; nIv++;\n"
	"  } else if (k === 2) {\n"
	"    t += raw[i + 4];\n"
	"    L = taskRaw[raw[i + 1]] || (taskRaw[raw[i + 1]] = newLane());\n"
	"    L.s.push(t); L.e.push(t + raw[i + 5]); L.v.push(raw[i + 2]); L.x.push(raw[i + 3]);\n"
	"    i += 6; nIv++;\n"
	"  } else if (k === 3 || k === 5) {\n"
	"    t += raw[i + 4];\n"
	"    wk.t.push(t); wk.from.push(raw[i + 1]); wk.to.push(raw[i + 2]); wk.cpu.push(raw[i + 3]);\n"
	"    wk.isNew.push(k === 5);\n"
	"    i += 5;\n"
	"  } else if (k === 4) {\n"
	"    t += raw[i + 3];\n"
	"    var Q = queueRaw[raw[i + 1]] || (queueRaw[raw[i + 1]] = { t: [], d: [] });\n"
	"    Q.t.push(t); Q.d.push(raw[i + 2]);\n"
	"    i += 4;\n"
	"  } else {\n"
	"    throw new Error('bad record type ' + k + ' at ' + i);\n"
	"  }\n"
	"}\n"
	"raw = null;\n"
	"\n"
	"/* Typed arrays sorted by start, with a running max of ends for lookups. */\n"
	"function finish(R) {\n"
	"  var m = R.s.length, sorted = true, j, o, mx = -Infinity;\n"
	"  for (j = 1; j < m; j++) if (R.s[j] < R.s[j - 1]) { sorted = false; break; }\n"
	"  var idx = null;\n"
	"  if (!sorted) {\n"
	"    idx = new Uint32Array(m);\n"
	"    for (j = 0; j < m; j++) idx[j] = j;\n"
	"    idx.sort(function (a, b) { return R.s[a] - R.s[b]; });\n"
	"  }\n"
	"  var F = { s: new Float64Array(m), e: new Float64Array(m), v: new Int32Array(m),\n"
	"    x: new Int32Array(m), m: new Float64Array(m), n: m };\n"
	"  for (j = 0; j < m; j++) {\n"
	"    o = idx ? idx[j] : j;\n"
	"    F.s[j] = R.s[o]; F.e[j] = R.e[o]; F.v[j] = R.v[o]; F.x[j] = R.x[o];\n"
	"    mx = Math.max(mx, F.e[j]); F.m[j] = mx;\n"
	"  }\n"
	"  return F;\n"
	"}\n"
	"/* first index with a[idx] > x (a non-decreasing) */\n"
	"function upper(a, n, x) {\n"
	"  var lo = 0, hi = n;\n"
	"  while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] > x) hi = mid; else lo = mid + 1; }\n"
	"  return lo;\n"
	"}\n"
	"/* first index with a[idx] >= x */\n"
	"function lower(a, n, x) {\n"
	"  var lo = 0, hi = n;\n"
	"  while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] >= x) hi = mid; else lo = mid + 1; }\n"
	"  return lo;\n"
	"}\n"
	"\n"
	"var cpuLanes = cpuRaw.map(finish); cpuRaw = null;\n"
	"var taskLanes = {};\n"
	"Object.keys(taskRaw).forEach(function (p) { taskLanes[p] = finish(taskRaw[p]); });\n"
	"taskRaw = null;\n"
	"var queues = [];\n"
	"Object.keys(queueRaw).sort(function (a, b) { return a - b; }).forEach(function (q) {\n"
	"  var R = queueRaw[q], mx = 0;\n"
	"  for (var j = 0; j < R.d.length; j++) mx = Math.max(mx, R.d[j]);\n"
	"  queues.push({ id: +q, t: new Float64Array(R.t), d: new Int32Array(R.d), n: R.t.length, max: mx });\n"
	"});\n"
	"queueRaw = null;\n"
	"var wakes = { t: new Float64Array(wk.t), from: wk.from, to: wk.to, cpu: wk.cpu, isNew: wk.isNew, n: wk.t.length };\n"
	"wk = null;\n"
	"\n"
	"/* ---- tasks, symbols and colours ---- */\n"
	"var tasks = {}, order = [];\n"
	"tail.tasks.forEach(function (r) {\n"
	"  tasks[r[0]] = { pid: r[0], tgid: r[1], comm: r[2], sym: r[3], role: r[4] };\n"
	"  order.push(r[0]);\n"
	"});\n"
	"Object.keys(taskLanes).map(Number).sort(function (a, b) { return a - b; }).forEach(function (p) {\n"
	"  if (!tasks[p]) { tasks[p] = { pid: p, tgid: p, comm: '?', sym: '?', role: 3 }; order.push(p); }\n"
	"});\n"
	"/* task hues kept apart from the state colours: magenta producers, teal consumers */\n"
	"var ROLE_HUE = [320, 180, 48, 22], roleCount = [0, 0, 0, 0];\n"
	"order.forEach(function (p) {\n"
	"  var tk = tasks[p], r = tk.role, j = roleCount[r]++;\n"
	"  tk.color = 'hsl(' + (ROLE_HUE[r] + (j % 3) * 12) + ',' + (r === 3 ? 45 : 60) + '%,' +\n"
	"    (34 + (j * 11) % 30) + '%)';\n"
	"});\n"
	"function taskName(p) {\n"
	"  var tk = tasks[p];\n"
	"  return tk ? tk.sym + ' ' + tk.comm + ' (pid ' + p + ')' : 'pid ' + p;\n"
	"}\n"
	"function occColor(v) {\n"
	"  if (v === 0) return IDLE_COLOR;\n"
	"  if (v === -1) return OTHER_COLOR;\n"
	"  return tasks[v] ? tasks[v].color : '#000';\n"
	"}\n"
	"function occName(v) { return v === 0 ? 'idle' : v === -1 ? 'other (untraced) tasks' : taskName(v); }\n"
	"function stateColor(v) { return SCOLOR[v] || '#000'; }\n"
	"\n"
	"/* ---- page text ---- */\n"
	"function fmt(ns) {\n"
	"  var a = Math.abs(ns);\n"
	"  if (a >= 1e9) return +(ns / 1e9).toFixed(3) + ' s';\n"
	"  if (a >= 1e6) return +(ns / 1e6).toFixed(3) + ' ms';\n"
	"  if (a >= 1e3) return +(ns / 1e3).toFixed(3) + ' us';\n"
	"  return Math.round(ns) + ' ns';\n"
	"}\n"
	"var summary = tail.summary !== null ? tail.summary : head.summary;\n"
	"document.getElementById('summary').textContent = summary || '(no report summary)';\n"
	"var endT = tail.end;\n"
	"cpuLanes.forEach(function (F) { if (F.n) endT = Math.max(endT, F.m[F.n - 1]); });\n"
	"if (!(endT > 0)) endT = 1;\n"
	"document.getElementById('meta').textContent = 'kernel ' + (tail.kernel || '?') + ', ' +\n"
	"  cpuLanes.length + ' CPUs, ' + fmt(endT) + ' traced' + (tail.cmdline ? ', ' + tail.cmdline : '') +\n"
	"  ', ' + nIv + ' intervals, ' + wakes.n + ' wakeups';\n"
	"\n"
	"var legend = document.getElementById('legend');\n"
	"function swatch(color, text) {\n"
	"  var s = document.createElement('span'), b = document.createElement('b');\n"
	"  s.className = 'sw'; b.style.background = color; s.appendChild(b);\n"
	"  s.appendChild(document.createTextNode(text)); legend.appendChild(s);\n"
	"}\n"
	"STATES.forEach(function (name, j) { swatch(SCOLOR[j], name); });\n"
	"legend.appendChild(document.createElement('br'));\n"
	"swatch(IDLE_COLOR, 'idle'); swatch(OTHER_COLOR, 'other tasks');\n"
	"order.forEach(function (p) { swatch(tasks[p].color, tasks[p].sym + ' ' + tasks[p].comm + ' (' + p + ')'); });\n"
	"\n"
	"/* ---- layout ---- */\n"
	"var rows = [], taskRow = {}, cpuRow = [];\n"
	"function layout() {\n"
	"  var y = AXIS;\n"
	"  rows = []; taskRow = {}; cpuRow = [];\n"
	"  rows.push({ kind: 'head', y: y, h: SECTION, label: 'CPUs: who held each CPU' }); y += SECTION;\n"
	"  cpuLanes.forEach(function (F, c) {\n"
	"    var r = { kind: 'cpu', y: y, h: LANE_H, lane: F, label: 'cpu' + c, id: c };\n"
	"    rows.push(r); cpuRow[c] = r; y += LANE_H + GAP;\n"
	"  });\n"
	"  rows.push({ kind: 'head', y: y, h: SECTION, label: 'Tasks: what each one was doing' }); y += SECTION;\n"
	"  order.forEach(function (p) {\n"
	"    if (!taskLanes[p]) return;\n"
	"    var r = { kind: 'task', y: y, h: LANE_H, lane: taskLanes[p], label: tasks[p].sym + ' ' + tasks[p].comm, id: p };\n"
	"    rows.push(r); taskRow[p] = r; y += LANE_H + GAP;\n"
	"  });\n"
	"  if (queues.length) { rows.push({ kind: 'head', y: y, h: SECTION, label: 'Queue depth' }); y += SECTION; }\n"
	"  queues.forEach(function (Q) {\n"
	"    rows.push({ kind: 'queue', y: y, h: QUEUE_H, q: Q, label: 'queue ' + Q.id, id: Q.id });\n"
	"    y += QUEUE_H + GAP;\n"
	"  });\n"
	"  return y + 4;\n"
	"}\n"
	"\n"
	"var canvas = document.getElementById('cv'), ctx = canvas.getContext('2d');\n"
	"var cssW = 0, cssH = 0, W = 0;\n"
	"var v0 = 0, v1 = endT;\n"
	"function resize() {\n"
	"  var dpr = window.devicePixelRatio || 1;\n"
	"  cssW = Math.max(400, canvas.parentNode.clientWidth);\n"
	"  cssH = layout();\n"
	"  W = cssW - LABEL;\n"
	"  canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr);\n"
	"  canvas.style.width = cssW + 'px'; canvas.style.height = cssH + 'px';\n"
	"  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);\n"
	"}\n"
	"function xOf(tt) { return LABEL + (tt - v0) * W / (v1 - v0); }\n"
	"function tOf(x) { return v0 + (x - LABEL) * (v1 - v0) / W; }\n"
	"\n"
	"/* ---- drawing ---- */\n"
	"function drawAxis() {\n"
	"  var span = v1 - v0, raw = span / Math.max(1, W / 110);\n"
	"  var p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;\n"
	"  var step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;\n"
	"  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, cssW, AXIS);\n"
	"  ctx.strokeStyle = '#e0e0e0'; ctx.fillStyle = '#333'; ctx.font = '11px sans-serif';\n"
	"  ctx.textBaseline = 'top';\n"
	"  ctx.beginPath();\n"
	"  for (var tt = Math.ceil(v0 / step) * step; tt <= v1; tt += step) {\n"
	"    var x = Math.round(xOf(tt)) + 0.5;\n"
	"    ctx.moveTo(x, AXIS - 8); ctx.lineTo(x, cssH);\n"
	"    ctx.fillText(fmt(tt), x + 2, 6);\n"
	"  }\n"
	"  ctx.stroke();\n"
	"  ctx.fillText('time since trace start', 6, 6);\n"
	"}\n"
	"\n"
	"/* Intervals of one lane; several within one pixel merge into the one that covers most of it. */\n"
	"function drawIntervals(F, y, h, colorOf, textOf) {\n"
	"  if (!F.n) return 0;\n"
	"  var sc = W / (v1 - v0), j = upper(F.m, F.n, v0), drawn = 0;\n"
	"  var px = -1, accV = [], accD = [];\n"
	"  function flush() {\n"
	"    if (px < 0) return;\n"
	"    var best = 0;\n"
	"    for (var q = 1; q < accV.length; q++) if (accD[q] > accD[best]) best = q;\n"
	"    ctx.fillStyle = colorOf(accV[best]);\n"
	"    ctx.fillRect(LABEL + px, y, 1, h);\n"
	"    px = -1; accV.length = 0; accD.length = 0;\n"
	"  }\n"
	"  for (; j < F.n; j++) {\n"
	"    var s = F.s[j];\n"
	"    if (s >= v1) break;\n"
	"    var e = F.e[j], x0 = (s - v0) * sc, x1 = (e - v0) * sc;\n"
	"    if (x0 < 0) x0 = 0;\n"
	"    if (x1 > W) x1 = W;\n"
	"    drawn++;\n"
	"    if (x1 - x0 >= 1) {\n"
	"      flush();\n"
	"      ctx.fillStyle = colorOf(F.v[j]);\n"
	"      ctx.fillRect(LABEL + x0, y, x1 - x0, h);\n"
	"      if (textOf && x1 - x0 > 30) {\n"
	"        var txt = textOf(F.v[j]);\n"
	"        if (txt) {\n"
	"          ctx.save(); ctx.beginPath(); ctx.rect(LABEL + x0, y, x1 - x0, h); ctx.clip();\n"
	"          ctx.fillStyle = '#fff'; ctx.fillText(txt, LABEL + x0 + 3, y + 3); ctx.restore();\n"
	"        }\n"
	"      }\n"
	"    } else {\n"
	"      var p = Math.floor(x0);\n"
	"      if (p !== px) { flush(); px = p; }\n"
	"      var v = F.v[j], d = e - s, q = 0;\n"
	"      for (; q < accV.length; q++) if (accV[q] === v) { accD[q] += d; break; }\n"
	"      if (q === accV.length && q < 8) { accV.push(v); accD.push(d); }\n"
	"    }\n"
	"  }\n"
	"  flush();\n"
	"  return drawn;\n"
	"}\n"
	"\n"
	"function queueCap(Q) { return Math.max(tail.capacity || 0, Q.max, 1); }\n"
	"/* Depth as an envelope per pixel: dark up to the lowest depth in the pixel, light up to the highest. */\n"
	"function drawQueue(Q, y, h) {\n"
	"  var cap = queueCap(Q), base = y + h - 2, sc = (h - 6) / cap;\n"
	"  ctx.fillStyle = '#fafafa'; ctx.fillRect(LABEL, y, W, h);\n"
	"  if (!Q.n) return;\n"
	"  var k = upper(Q.t, Q.n, v0), depth = k > 0 ? Q.d[k - 1] : -1;\n"
	"  var stop = Math.min(v1, endT);\n"
	"  for (var px = 0; px < W; px++) {\n"
	"    var a = v0 + px * (v1 - v0) / W, b = v0 + (px + 1) * (v1 - v0) / W;\n"
	"    if (a >= stop) break;\n"
	"    var mx = depth, mn = depth;\n"
	"    while (k < Q.n && Q.t[k] < b) {\n"
	"      depth = Q.d[k++];\n"
	"      if (mn < 0) mn = depth;\n"
	"      if (depth > mx) mx = depth;\n"
	"      if (depth < mn) mn = depth;\n"
	"    }\n"
	"    if (mx < 0) continue;\n"
	"    ctx.fillStyle = '#90caf9'; ctx.fillRect(LABEL + px, base - mx * sc, 1, mx * sc);\n"
	"    ctx.fillStyle = '#1565c0'; ctx.fillRect(LABEL + px, base - mn * sc, 1, mn * sc);\n"
	"  }\n"
	"  ctx.strokeStyle = '#c62828'; ctx.setLineDash([4, 3]); ctx.beginPath();\n"
	"  ctx.moveTo(LABEL, base - cap * sc + 0.5); ctx.lineTo(LABEL + W, base - cap * sc + 0.5); ctx.stroke();\n"
	"  ctx.setLineDash([]);\n"
	"  var capText = (tail.capacity ? 'capacity ' : 'max ') + cap;\n"
	"  ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(LABEL + 2, y + 1, ctx.measureText(capText).width + 4, 13);\n"
	"  ctx.fillStyle = '#c62828'; ctx.fillText(capText, LABEL + 4, y + 2);\n"
	"}\n"
	"\n"
	"var arrowNote = '';\n"
	"function drawArrows() {\n"
	"  var a = lower(wakes.t, wakes.n, v0), b = lower(wakes.t, wakes.n, v1), drawn = 0;\n"
	"  arrowNote = '';\n"
	"  /* more than one arrow per few pixels is a red smear: ask for a closer look */\n"
	"  if (b - a > Math.max(50, W / 3)) { arrowNote = 'zoom in to see ' + (b - a) + ' wakeup arrows'; return 0; }\n"
	"  ctx.strokeStyle = 'rgba(183,28,28,0.85)'; ctx.fillStyle = 'rgba(183,28,28,0.85)'; ctx.lineWidth = 1;\n"
	"  for (var j = a; j < b; j++) {\n"
	"    var to = taskRow[wakes.to[j]];\n"
	"    if (!to) continue;\n"
	"    var from = taskRow[wakes.from[j]] || cpuRow[wakes.cpu[j]];\n"
	"    var tt = wakes.t[j], t2 = tt, F = to.lane, q = lower(F.s, F.n, tt);\n"
	"    for (var look = 0; look < 4 && q < F.n; look++, q++) if (F.v[q] === 0) { t2 = F.s[q]; break; }\n"
	"    var x0 = xOf(tt), y0 = from ? from.y + from.h / 2 : to.y - 4, x1 = xOf(t2), y1 = to.y + to.h / 2;\n"
	"    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();\n"
	"    var ang = Math.atan2(y1 - y0, x1 - x0);\n"
	"    ctx.beginPath(); ctx.moveTo(x1, y1);\n"
	"    ctx.lineTo(x1 - 6 * Math.cos(ang - 0.4), y1 - 6 * Math.sin(ang - 0.4));\n"
	"    ctx.lineTo(x1 - 6 * Math.cos(ang + 0.4), y1 - 6 * Math.sin(ang + 0.4));\n"
	"    ctx.closePath(); ctx.fill();\n"
	"    drawn++;\n"
	"  }\n"
	"  return drawn;\n"
	"}\n"
	"\n"
	"var wakeBox = document.getElementById('wakeups');\n"
	"var lastStats = null;\n"
	"function draw() {\n"
	"  var t0 = performance.now(), drawnIv = 0, drawnWk = 0;\n"
	"  ctx.clearRect(0, 0, cssW, cssH);\n"
	"  ctx.font = '11px sans-serif'; ctx.textBaseline = 'top';\n"
	"  drawAxis();\n"
	"  rows.forEach(function (r) {\n"
	"    if (r.kind === 'head') {\n"
	"      ctx.fillStyle = '#37474f'; ctx.font = 'bold 12px sans-serif';\n"
	"      ctx.fillText(r.label, 6, r.y + 4); ctx.font = '11px sans-serif';\n"
	"      return;\n"
	"    }\n"
	"    ctx.fillStyle = '#263238'; ctx.fillText(r.label, 6, r.y + 3);\n"
	"    ctx.save(); ctx.beginPath(); ctx.rect(LABEL, r.y, W, r.h); ctx.clip();\n"
	"    if (r.kind === 'cpu') {\n"
	"      drawnIv += drawIntervals(r.lane, r.y, r.h, occColor, function (v) { return v > 0 && tasks[v] ? tasks[v].sym : ''; });\n"
	"    } else if (r.kind === 'task') {\n"
	"      drawnIv += drawIntervals(r.lane, r.y, r.h, stateColor, function (v) { return v === 0 ? '' : STATES[v]; });\n"
	"    } else {\n"
	"      drawQueue(r.q, r.y, r.h);\n"
	"    }\n"
	"    ctx.restore();\n"
	"  });\n"
	"  if (wakeBox.checked) drawnWk = drawArrows();\n"
	"  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, LABEL - 2, AXIS);\n"
	"  ctx.fillStyle = '#333'; ctx.fillText(fmt(v0) + ' .. ' + fmt(v1), 6, 16);\n"
	"  lastStats = { ms: performance.now() - t0, iv: drawnIv, wk: drawnWk };\n"
	"  var nTask = rows.filter(function (r) { return r.kind === 'task'; }).length;\n"
	"  if (loadMs < 0) loadMs = performance.now() - loadStart;\n"
	"  statusText = 'rendered ' + cpuLanes.length + ' cpu lanes, ' + nTask + ' task lanes, ' +\n"
	"    queues.length + ' queue tracks, ' + drawnIv + ' intervals in view, ' +\n"
	"    (wakeBox.checked ? drawnWk + ' wakeup arrows' + (arrowNote ? ' (' + arrowNote + ')' : '') + ', ' : '') +\n"
	"    'drawn in ' + lastStats.ms.toFixed(1) + ' ms (page ready in ' + loadMs.toFixed(0) + ' ms)';\n"
	"  showStatus();\n"
	"}\n"
	"var pending = false;\n"
	"function schedule() {\n"
	"  if (pending) return;\n"
	"  pending = true;\n"
	"  requestAnimationFrame(function () { pending = false; draw(); });\n"
	"}\n"
	"\n"
	"/* ---- interaction ---- */\n"
	"function clampView() {\n"
	"  var span = v1 - v0, minSpan = 100;\n"
	"  if (span < minSpan) { var mid = (v0 + v1) / 2; v0 = mid - minSpan / 2; v1 = mid + minSpan / 2; }\n"
	"}\n"
	"canvas.addEventListener('wheel', function (ev) {\n"
	"  var rect = canvas.getBoundingClientRect(), x = ev.clientX - rect.left;\n"
	"  if (x < LABEL) return;\n"
	"  ev.preventDefault();\n"
	"  var tm = tOf(x), f = Math.exp(ev.deltaY * 0.0015);\n"
	"  v0 = tm - (tm - v0) * f; v1 = tm + (v1 - tm) * f;\n"
	"  clampView(); hideTip(); schedule();\n"
	"}, { passive: false });\n"
	"var drag = null;\n"
	"canvas.addEventListener('mousedown', function (ev) {\n"
	"  drag = { x: ev.clientX, v0: v0, v1: v1 }; canvas.style.cursor = 'grabbing'; hideTip();\n"
	"});\n"
	"window.addEventListener('mouseup', function () { drag = null; canvas.style.cursor = ''; });\n"
	"window.addEventListener('mousemove', function (ev) {\n"
	"  if (!drag) return;\n"
	"  var dt = (ev.clientX - drag.x) * (drag.v1 - drag.v0) / W;\n"
	"  v0 = drag.v0 - dt; v1 = drag.v1 - dt; schedule();\n"
	"});\n"
	"function reset() { v0 = 0; v1 = endT; schedule(); }\n"
	"canvas.addEventListener('dblclick', reset);\n"
	"document.getElementById('reset').addEventListener('click', reset);\n"
	"wakeBox.addEventListener('change', schedule);\n"
	"window.addEventListener('resize', function () { resize(); schedule(); });\n"
	"\n"
	"var tip = document.getElementById('tip');\n"
	"function hideTip() { tip.style.display = 'none'; }\n"
	"/* index of the interval under time tt, or the nearest within `slack` ns; -1 if none */\n"
	"function hit(F, tt, slack) {\n"
	"  var j = upper(F.s, F.n, tt) - 1;\n"
	"  if (j >= 0 && F.e[j] > tt) return j;\n"
	"  var best = -1, dist = slack;\n"
	"  if (j >= 0 && tt - F.e[j] <= dist) { best = j; dist = tt - F.e[j]; }\n"
	"  if (j + 1 < F.n && F.s[j + 1] - tt <= dist) best = j + 1;\n"
	"  return best;\n"
	"}\n"
	"/* Why pid left the CPU at time tt: the state its task lane enters then. */\n"
	"function leftBecause(pid, tt) {\n"
	"  var F = taskLanes[pid];\n"
	"  if (!F) return '';\n"
	"  var j = upper(F.s, F.n, tt) - 1;\n"
	"  if (j < 0 || F.e[j] <= tt) return '';\n"
	"  return F.v[j] === 0 ? 'still running' : STATES[F.v[j]];\n"
	"}\n"
	"function describe(r, tt, slack) {\n"
	"  var F = r.lane, j, lines;\n"
	"  if (r.kind === 'queue') {\n"
	"    var Q = r.q, q = upper(Q.t, Q.n, tt) - 1;\n"
	"    if (q < 0 || tt > endT) return null;\n"
	"    return 'queue ' + Q.id + '\\ndepth ' + Q.d[q] + ' of ' + queueCap(Q) + '\\nsince ' + fmt(Q.t[q]);\n"
	"  }\n"
	"  if (!F || (j = hit(F, tt, slack)) < 0) return null;\n"
	"  var s = F.s[j], e = F.e[j], v = F.v[j];\n"
	"  if (r.kind === 'cpu') {\n"
	"    lines = ['cpu' + r.id + ': ' + occName(v), 'start ' + fmt(s), 'duration ' + fmt(e - s)];\n"
	"    if (v > 0) {\n"
	"      var why = leftBecause(v, e);\n"
	"      if (why) lines.push('then: ' + why);\n"
	"    }\n"
	"  } else {\n"
	"    lines = [taskName(r.id), 'state: ' + STATES[v] + (v === 0 && F.x[j] >= 0 ? ' on cpu' + F.x[j] : ''),\n"
	"      'start ' + fmt(s), 'duration ' + fmt(e - s)];\n"
	"    if (v === 1 || v === 2) lines.push('reason: waiting for a CPU');\n"
	"    else if (v > 2) lines.push('reason: blocked, ' + STATES[v]);\n"
	"  }\n"
	"  return lines.join('\\n');\n"
	"}\n"
	"canvas.addEventListener('mousemove', function (ev) {\n"
	"  if (drag) return;\n"
	"  var rect = canvas.getBoundingClientRect(), x = ev.clientX - rect.left, y = ev.clientY - rect.top;\n"
	"  var r = null;\n"
	"  for (var j = 0; j < rows.length; j++) if (rows[j].kind !== 'head' && y >= rows[j].y && y < rows[j].y + rows[j].h) r = rows[j];\n"
	"  var text = r && x >= LABEL ? describe(r, tOf(x), 3 * (v1 - v0) / W) : null;\n"
	"  if (!text) { hideTip(); return; }\n"
	"  tip.textContent = text;\n"
	"  tip.style.display = 'block';\n"
	"  tip.style.left = Math.min(x + 14, cssW - 260) + 'px';\n"
	"  tip.style.top = (y + 14) + 'px';\n"
	"});\n"
	"canvas.addEventListener('mouseleave', hideTip);\n"
	"\n"
	"/* hooks for tests and the curious: window.schedlab.view(from, to) */\n"
	"window.schedlab = {\n"
	"  view: function (a, b) { v0 = a; v1 = b; clampView(); draw(); return lastStats; },\n"
	"  describe: function (kind, id, tt) {\n"
	"    var r = rows.filter(function (x) { return x.kind === kind && x.id === id; })[0];\n"
	"    return r ? describe(r, tt, 0) : null;\n"
	"  },\n"
	"  stats: function () { return lastStats; }\n"
	"};\n"
	"\n"
	"/*\n"
	" * The page's hash can set the first view, for links and for the browser\n"
	" * test: #from=NS&to=NS&wakeups=1&probe=cpu,0,NS;task,PID,NS writes what\n"
	" * the tooltip would say at each probe into <pre id=\"probe\">.\n"
	" */\n"
	"var opts = {};\n"
	"location.hash.replace(/^#/, '').split('&').forEach(function (p) {\n"
	"  var kv = p.split('=');\n"
	"  if (kv[0]) opts[kv[0]] = decodeURIComponent(kv[1] || '');\n"
	"});\n"
	"if (opts.from !== undefined && opts.to !== undefined) { v0 = +opts.from; v1 = +opts.to; clampView(); }\n"
	"if (opts.wakeups) wakeBox.checked = opts.wakeups === '1';\n"
	"\n"
	"resize();\n"
	"draw();\n"
	"if (opts.probe) {\n"
	"  document.getElementById('probe').textContent = opts.probe.split(';').map(function (p) {\n"
	"    var a = p.split(',');\n"
	"    return window.schedlab.describe(a[0], +a[1], +a[2]) || 'nothing';\n"
	"  }).join('\\n--\\n');\n"
	"}\n"
	"})();\n";

#define RECORDS_PER_LINE 8

struct html {
	FILE *f;
	__u64 base;		/* BOOTTIME ns of time 0 (the trace start) */
	bool base_set;
	__s64 prev;		/* time of the previous record, relative to base */
	__u64 nrec;
	__u64 end;		/* latest interval end seen, relative */
	__u32 ncpu;		/* from ti, or highest CPU seen + 1 */
	__u64 end_ts;		/* ti's end, 0 if unknown */
	char kernel[65];
	char *cmdline;
	__u32 capacity;
	struct tl_tasks tasks;
	int err;
};

static void set_error(struct html *h, int err)
{
	if (!h->err)
		h->err = err;
}

/* A JSON string that is also safe inside <script>: '<' is escaped. */
static void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\t':	fputs("\\t", f); break;
		case '<':	fputs("\\u003c", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* comm is not NUL-terminated when it fills all 16 bytes */
static void json_comm(FILE *f, const char *comm)
{
	char buf[SL_COMM_LEN + 1];

	memcpy(buf, comm, SL_COMM_LEN);
	buf[SL_COMM_LEN] = '\0';
	json_str(f, buf);
}

/* Starts a record: separator and the time delta's reference point. */
static __s64 record_dt(struct html *h, __u64 ts)
{
	__s64 rel, dt;

	if (!h->base_set) {
		h->base = ts;
		h->base_set = true;
	}
	rel = (__s64)(ts - h->base);
	dt = rel - h->prev;
	h->prev = rel;
	if (h->nrec++)
		fputc(',', h->f);
	if (h->nrec % RECORDS_PER_LINE == 0)
		fputc('\n', h->f);
	return dt;
}

int html__add_interval(struct html *h, const struct sl_interval *iv)
{
	__u64 dur = iv->end > iv->start ? iv->end - iv->start : 0;
	__s64 dt = record_dt(h, iv->start);
	__u64 rel_end = iv->end - h->base;

	if (iv->end > h->base && rel_end > h->end)
		h->end = rel_end;
	if (iv->kind == SL_IV_CPU) {
		long long occ = iv->pid == SL_OCC_OTHER ? -1 : (long long)iv->pid;

		if (iv->cpu < SL_MAX_CPUS && iv->cpu >= h->ncpu)
			h->ncpu = iv->cpu + 1u;
		if (occ > 0 && tl_tasks__add(&h->tasks, iv->pid) == -ENOMEM)
			set_error(h, -ENOMEM);
		fprintf(h->f, "1,%u,%lld,%lld,%llu", iv->cpu, occ, (long long)dt,
			(unsigned long long)dur);
	} else {
		int cpu = iv->cpu == 0xffff ? -1 : iv->cpu;
		int err = tl_tasks__add(&h->tasks, iv->pid);

		if (err == -ENOMEM)
			set_error(h, err);
		fprintf(h->f, "2,%u,%u,%d,%lld,%llu", iv->pid, iv->state, cpu, (long long)dt,
			(unsigned long long)dur);
	}
	if (ferror(h->f))
		set_error(h, -EIO);
	return h->err;
}

int html__add_event(struct html *h, const struct sl_event *e)
{
	int err = tl_tasks__on_event(&h->tasks, e);

	if (err)
		set_error(h, err);
	switch (e->type) {
	case SL_EV_WAKING:
	case SL_EV_WAKEUP_NEW:
		if (!(e->flags & SL_WKF_WAKEE_TRACKED))
			break;
		{
			__s64 dt = record_dt(h, e->ts);

			fprintf(h->f, "%d,%u,%u,%u,%lld", e->type == SL_EV_WAKING ? 3 : 5, e->pid,
				e->wk.wakee, e->cpu, (long long)dt);
		}
		break;
	case SL_EV_Q_PUSH:
	case SL_EV_Q_POP: {
		__s64 dt = record_dt(h, e->ts);

		fprintf(h->f, "4,%u,%u,%lld", e->flags, e->q.depth, (long long)dt);
		break;
	}
	default:
		break;
	}
	if (ferror(h->f))
		set_error(h, -EIO);
	return h->err;
}

void html__interval_fn(const struct sl_interval *iv, void *ctx)
{
	html__add_interval(ctx, iv);
}

int html__event_fn(const struct sl_event *e, void *ctx)
{
	return html__add_event(ctx, e);
}

static void html_free(struct html *h)
{
	if (!h)
		return;
	free(h->cmdline);
	tl_tasks__free(&h->tasks);
	free(h);
}

static void take_info(struct html *h, const struct sl_trace_info *ti)
{
	if (!ti)
		return;
	if (ti->ncpu > h->ncpu)
		h->ncpu = ti->ncpu < SL_MAX_CPUS ? ti->ncpu : SL_MAX_CPUS;
	if (ti->kernel[0])
		snprintf(h->kernel, sizeof(h->kernel), "%.64s", ti->kernel);
	if (ti->cmdline) {
		char *c = strdup(ti->cmdline);

		if (c) {
			free(h->cmdline);
			h->cmdline = c;
		}
	}
	if (ti->config && tl_config_capacity(ti->config))
		h->capacity = tl_config_capacity(ti->config);
	if (ti->end_ts)
		h->end_ts = ti->end_ts;
}

int html__open(FILE *f, const struct sl_trace_info *ti, const char *summary, struct html **out)
{
	struct html *h;
	int err;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->f = f;
	err = tl_tasks__init(&h->tasks, ti);
	if (err)
		goto err_free;
	take_info(h, ti);
	if (ti && ti->start_ts) {
		h->base = ti->start_ts;
		h->base_set = true;
	}
	fputs(html_page_head, f);
	fputs("<script type=\"application/json\" id=\"sl-head\">{\"summary\":", f);
	json_str(f, summary);
	fputs("}</script>\n<script type=\"application/json\" id=\"sl-data\">[", f);
	if (ferror(f)) {
		err = -EIO;
		goto err_free;
	}
	*out = h;
	return 0;

err_free:
	html_free(h);
	return err;
}

static int cmp_order(const void *a, const void *b, void *ctx)
{
	const struct tl_tasks *t = ctx;

	return tl_task__cmp(&t->v[*(const __u32 *)a], &t->v[*(const __u32 *)b]);
}

int html__close(struct html *h, const struct sl_trace_info *ti, const char *summary)
{
	FILE *f;
	__u32 *order;
	__u64 end;
	int err;

	if (!h)
		return 0;
	f = h->f;
	take_info(h, ti);
	err = tl_tasks__merge_info(&h->tasks, ti);
	if (err)
		set_error(h, err);
	tl_tasks__assign_symbols(&h->tasks);
	end = h->end_ts > h->base ? h->end_ts - h->base : h->end;

	fprintf(f, "]</script>\n<script type=\"application/json\" id=\"sl-tail\">"
		"{\"base\":%llu,\"ncpu\":%u,\"end\":%llu,\"capacity\":%u,\"kernel\":",
		(unsigned long long)h->base, h->ncpu, (unsigned long long)end, h->capacity);
	json_str(f, h->kernel);
	fputs(",\"cmdline\":", f);
	json_str(f, h->cmdline);
	fputs(",\"summary\":", f);
	json_str(f, summary);
	fputs(",\"tasks\":[", f);
	order = malloc((h->tasks.n ? h->tasks.n : 1) * sizeof(*order));
	if (order) {
		for (__u32 i = 0; i < h->tasks.n; i++)
			order[i] = i;
		qsort_r(order, h->tasks.n, sizeof(*order), cmp_order, &h->tasks);
		for (__u32 i = 0; i < h->tasks.n; i++) {
			const struct tl_task *tk = &h->tasks.v[order[i]];

			fprintf(f, "%s[%u,%u,", i ? ",\n" : "", tk->pid, tk->tgid ? tk->tgid : tk->pid);
			if (tk->comm[0])
				json_comm(f, tk->comm);
			else
				json_str(f, "?");
			fputc(',', f);
			json_str(f, tk->sym);
			fprintf(f, ",%u]", tk->role);
		}
		free(order);
	} else {
		set_error(h, -ENOMEM);
	}
	fputs("]}</script>\n<script>\n", f);
	fputs(html_viewer_js, f);
	fputs("</script>\n</body>\n</html>\n", f);
	if (fflush(f) || ferror(f))
		set_error(h, -EIO);
	err = h->err;
	html_free(h);
	return err;
}
