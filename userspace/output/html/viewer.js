/*
 * schedlab's HTML timeline viewer: plain ES5 drawing on a canvas, run once
 * the JSON blocks of the page have been parsed (html.c documents them).
 *
 * Level of detail.  The data arrives as deflated chunks, one stream per
 * lane.  At load every chunk is inflated once (DecompressionStream) and
 * scanned into a fixed number of time bins per lane holding the time spent
 * in each state (task lanes) or by each occupant (CPU lanes); the raw
 * bytes are kept, the intervals are not.  Drawing asks, per lane, how many
 * intervals the view holds: few enough, or a pixel narrower than a few
 * bins, and the chunks in view are decoded into intervals (cached) and
 * drawn exactly; otherwise the bins are.  Either way each pixel column is
 * painted as a stack of the shares of its time that each state or
 * occupant took, so two tasks sharing a CPU 50/50 both show half running.
 *
 * It writes what it drew, and any error, into <pre id="status">, which the
 * browser test reads; window.schedlab has hooks for the test.
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
window.addEventListener('unhandledrejection', function (ev) {
  errors.push('unhandled rejection: ' + String(ev.reason && ev.reason.stack || ev.reason));
  showStatus();
});
var consoleError = console.error;
console.error = function () {
  errors.push(Array.prototype.join.call(arguments, ' '));
  showStatus();
  return consoleError.apply(console, arguments);
};

/* The text is dropped once parsed: the chunks are most of the page. */
function readJson(id) {
  var el = document.getElementById(id), v = JSON.parse(el.textContent);
  el.textContent = '';
  return v;
}
var head = readJson('sl-head'), tail = readJson('sl-tail'), chunkList = readJson('sl-data');

var STATES = tail.states;
var LABEL = 200, AXIS = 30, LANE_H = 18, GAP = 3, SECTION = 20, QUEUE_H = 60;
var BIN_BUDGET = 1 << 24;	/* floats for all lanes' bins */
var DETAIL_MAX = 200000;	/* intervals in view drawn one by one regardless of zoom */
var CACHE_MAX = 3000000;	/* decoded intervals kept */
var lodMode = 'auto';		/* the page's #lod=bins|intervals forces one, for the test */

/* ---- colours ---- */
/*
 * States by name: the colour-blind-safe set of Okabe and Ito for the
 * states that tell a story, quiet greys for sleeping and the rest.  States
 * this table does not know (new kinds of wait) take the spare colours in
 * order, so the legend follows tail.states.
 */
var STATE_COLOR = {
  'running': '#009e73', 'runnable (woken)': '#f0e442', 'runnable (preempted)': '#e69f00',
  'disk I/O': '#cc79a7', 'queue full': '#d55e00', 'queue empty': '#56b4e9', 'lock': '#0072b2',
  'sleep': '#d9d9d9', 'other blocked': '#a6a6a6'
};
/* light, so that black text reads on them, and apart from the task colours below */
var SPARE_COLORS = ['#ee8866', '#eedd88', '#ffaabb', '#99ddff', '#bbcc33', '#bbaaff', '#119911',
  '#ff3399', '#00ffee', '#00ff99'];
/*
 * Tasks on CPU lanes: eight dark colours that carry white text, picked so
 * each is at least CIE76 dE 16 from the others and 21 from every state
 * colour, also under simulated protanopia, deuteranopia and tritanopia
 * (the state colours take the green, yellow, orange and blue ones, so
 * these are purples, reds and browns).  Beyond eight tasks they repeat in
 * this order, which keeps neighbours apart; the symbol written in the lane
 * and the swatch beside each task lane tell tasks apart.
 */
var TASK_COLORS = ['#332288', '#9900ff', '#663311', '#554455', '#7755dd', '#dd1144',
  '#6600bb', '#881177'];
var IDLE_COLOR = '#f2f2f2', OTHER_COLOR = '#8c8c8c';
var stateColors = [], spare = 0;
STATES.forEach(function (name, j) {
  stateColors[j] = STATE_COLOR[name] || SPARE_COLORS[spare++ % SPARE_COLORS.length];
});

/* ---- tasks and symbols ---- */
var tasks = {}, order = [];
tail.tasks.forEach(function (r) {
  tasks[r[0]] = { pid: r[0], tgid: r[1], comm: r[2], sym: r[3], role: r[4], stacks: [] };
  order.push(r[0]);
});

/* ---- lanes from the chunk list ---- */
var cpuLanes = [], taskLanes = {}, queueLanes = {}, wakeLane = null;
function newLane(kind, id) { return { kind: kind, id: id, chunks: [], n: 0 }; }
var nChunks = chunkList.length, nIv = 0, nWake = 0;
for (var c0 = 0; c0 < tail.ncpu; c0++) cpuLanes.push(newLane(1, c0));
chunkList.forEach(function (c) {
  var kind = c[0], id = c[1], L;
  if (kind === 1) {
    while (id >= cpuLanes.length) cpuLanes.push(newLane(1, cpuLanes.length));
    L = cpuLanes[id];
  } else if (kind === 2) {
    L = taskLanes[id] || (taskLanes[id] = newLane(2, id));
  } else if (kind === 3) {
    L = wakeLane || (wakeLane = newLane(3, 0));
  } else if (kind === 4) {
    L = queueLanes[id] || (queueLanes[id] = newLane(4, id));
  } else {
    throw new Error('bad chunk kind ' + kind);
  }
  L.chunks.push({ t0: c[2], t1: c[3], n: c[4], b64: c[5], raw: null, dec: null });
  L.n += c[4];
  if (kind <= 2) nIv += c[4]; else if (kind === 3) nWake += c[4];
});
chunkList = null;
if (!wakeLane) wakeLane = newLane(3, 0);
Object.keys(taskLanes).map(Number).sort(function (a, b) { return a - b; }).forEach(function (p) {
  if (!tasks[p]) { tasks[p] = { pid: p, tgid: p, comm: '?', sym: '?', role: 3 }; order.push(p); }
});
/* cpu lanes name their occupants: a task seen only there still needs a colour */
var taskIdx = {};
order.forEach(function (p, j) { taskIdx[p] = j; });

/*
 * Symbols: the workload's roles keep the terminal map's (P0, C1: the
 * number in the name); any other task is its first letter and a decimal
 * count (s0 .. s40), which unlike the map's two columns never runs out.
 */
(function () {
  var used = {}, next = {};
  order.forEach(function (p) {
    var tk = tasks[p], s = tk.sym || '?';
    if (tk.role === 3 || used[s] || s.indexOf('+') >= 0 || s === '?') {
      var letter = tk.role < 3 && s !== '?' ? s[0] : (tk.comm && tk.comm !== '?' ? tk.comm[0] : 't').toLowerCase();
      var k = next[letter] || 0;
      while (used[letter + k]) k++;
      s = letter + k;
      next[letter] = k + 1;
    }
    used[s] = true;
    tk.sym = s;
  });
})();
order.forEach(function (p, j) { tasks[p].color = TASK_COLORS[j % TASK_COLORS.length]; });
function taskName(p) {
  var tk = tasks[p];
  return tk ? tk.sym + ' ' + tk.comm + ' (pid ' + p + ')' : 'pid ' + p;
}
function occName(v) { return v === 0 ? 'idle' : v === -1 ? 'other (untraced) tasks' : taskName(v); }

/*
 * Categories of a lane's bins and stacks.  A CPU lane has one per traced
 * task up to CPU_CATS; tasks past that share one, so neither the bins nor
 * a pixel's stack grow with thousands of short-lived tasks.
 */
var CPU_CATS = 64;
var NTASK = Math.min(order.length, CPU_CATS), MORE = order.length > CPU_CATS ? 1 : 0;
var MORE_COLOR = '#4d4d4d';
function catOfCpu(v) {
  if (v === 0) return 0;
  if (v === -1) return 1;
  var i = taskIdx[v] !== undefined ? taskIdx[v] : 0;
  return i < NTASK ? 2 + i : 2 + NTASK;
}
function catOfTask(v) { return v; }
function colorOfCat(kind, c) {
  if (kind === 2) return stateColors[c] || '#000';
  return c === 0 ? IDLE_COLOR : c === 1 ? OTHER_COLOR : c - 2 < NTASK ? tasks[order[c - 2]].color : MORE_COLOR;
}
function nameOfCat(kind, c) {
  if (kind === 2) return STATES[c] || 'state ' + c;
  return c === 0 ? 'idle' : c === 1 ? 'other tasks' : c - 2 < NTASK ? taskName(order[c - 2]) :
    'traced tasks past the first ' + CPU_CATS;
}
/* stacking order, top to bottom: running first; traced tasks before others and idle */
var taskStack = [], cpuStack = [];
for (var s0 = 0; s0 < STATES.length; s0++) taskStack.push(s0);
for (var q0 = 0; q0 < NTASK + MORE; q0++) cpuStack.push(2 + q0);
cpuStack.push(1, 0);
cpuLanes.forEach(function (L) { L.K = 2 + NTASK + MORE; L.cat = catOfCpu; L.stack = cpuStack; });
Object.keys(taskLanes).forEach(function (p) {
  var L = taskLanes[p];
  L.K = STATES.length; L.cat = catOfTask; L.stack = taskStack;
});

/* ---- the time axis and the bins ---- */
var endT = tail.end;
cpuLanes.concat(Object.keys(taskLanes).map(function (p) { return taskLanes[p]; })).forEach(function (L) {
  if (L.chunks.length) endT = Math.max(endT, L.chunks[L.chunks.length - 1].t1);
});
if (!(endT > 0)) endT = 1;
var ivLanes = cpuLanes.concat(Object.keys(taskLanes).map(function (p) { return taskLanes[p]; }));
/*
 * Only a lane with more intervals than DETAIL_MAX can ever need bins: any
 * view of a smaller one is drawn from its intervals.  The bins of all such
 * lanes share BIN_BUDGET.
 */
var sumK = 0, binned = function (L) { return L.n > DETAIL_MAX; };
ivLanes.forEach(function (L) { if (binned(L)) sumK += L.K; });
var NBIN = 65536;
while (NBIN > 256 && NBIN * sumK > BIN_BUDGET) NBIN >>= 1;
var binW = endT / NBIN;
ivLanes.forEach(function (L) { if (binned(L)) L.bins = new Float32Array(NBIN * L.K); });
var queues = Object.keys(queueLanes).map(Number).sort(function (a, b) { return a - b; }).map(function (q) {
  var Q = queueLanes[q];
  Q.max = 0;
  if (!binned(Q)) return Q;
  Q.mn = new Int32Array(NBIN).fill(-1); Q.mx = new Int32Array(NBIN).fill(-1);
  Q.last = new Int32Array(NBIN).fill(-1); Q.lastT = new Float64Array(NBIN);
  return Q;
});
/* which states occur at all: the legend lists only those */
var stateSeen = new Uint8Array(STATES.length);

/* ---- decoding ---- */
/* Unsigned LEB128 varints; arithmetic, not bit operations, past 32 bits.  See html.c. */
var NST = STATES.length, INDEX = tail.index;
function decode(L, ch) {
  var u = ch.raw, p = 0, n = ch.n, t = ch.t0, j, b, v, m, code, z;
  function uv() {
    b = u[p++];
    if (b < 128) return b;
    v = b & 127; m = 128;
    do { b = u[p++]; v += (b & 127) * m; m *= 128; } while (b & 128);
    return v;
  }
  function gap() { z = uv(); return z % 2 ? -(z + 1) / 2 : z / 2; }
  var D = { n: n };
  if (L.kind <= 2) {
    var S = D.s = new Float64Array(n), E = D.e = new Float64Array(n);
    var V = D.v = new Int32Array(n), X = D.x = new Int32Array(n);
    for (j = 0; j < n; j++) {
      code = uv();
      if (code & 1) t += gap();
      code = (code - (code & 1)) / 2;
      S[j] = t; t += uv(); E[j] = t;
      if (L.kind === 1) {
        V[j] = code === 0 ? 0 : code === 1 ? -1 : INDEX[code - 2];
        X[j] = L.id;
      } else {
        V[j] = code % NST; X[j] = (code - V[j]) / NST - 1;
      }
    }
  } else if (L.kind === 3) {
    D.t = new Float64Array(n); D.isNew = new Uint8Array(n);
    D.from = new Int32Array(n); D.to = new Int32Array(n); D.cpu = new Int32Array(n);
    for (j = 0; j < n; j++) {
      t += gap(); D.t[j] = t;
      code = uv(); D.isNew[j] = code & 1; D.cpu[j] = (code - (code & 1)) / 2;
      code = uv(); D.from[j] = code ? INDEX[code - 1] : uv();
      D.to[j] = INDEX[uv()];
    }
  } else {
    D.t = new Float64Array(n); D.d = new Int32Array(n);
    for (j = 0; j < n; j++) { t += gap(); D.t[j] = t; D.d[j] = uv(); }
  }
  if (p !== u.length) throw new Error('chunk of lane ' + L.kind + '/' + L.id + ' decodes to ' + p + ' of ' + u.length + ' bytes');
  return D;
}
var cache = [], cached = 0, decodedTotal = 0;
function decoded(L, ch) {
  if (ch.dec) return ch.dec;
  ch.dec = decode(L, ch);
  cache.push(ch); cached += ch.n; decodedTotal++;
  while (cached > CACHE_MAX && cache.length > 1) {
    var old = cache.shift();
    cached -= old.n; old.dec = null;
  }
  return ch.dec;
}

/* Adds a decoded chunk to its lane's bins. */
function addToBins(L, D) {
  var j, B = L.bins, K = L.K;
  if (L.kind <= 2) {
    if (L.kind === 2) for (j = 0; j < D.n; j++) if (D.v[j] < stateSeen.length) stateSeen[D.v[j]] = 1;
    if (!B) return;
    for (j = 0; j < D.n; j++) {
      var s = D.s[j], e = D.e[j], c = L.cat(D.v[j]);
      var b = Math.max(0, Math.floor(s / binW)), last = Math.min(NBIN - 1, Math.floor(e / binW));
      for (; b <= last; b++) {
        var lo = Math.max(s, b * binW), hi = Math.min(e, (b + 1) * binW);
        if (hi > lo) B[b * K + c] += hi - lo;
      }
    }
  } else if (L.kind === 4) {
    for (j = 0; j < D.n; j++) if (D.d[j] > L.max) L.max = D.d[j];
    if (!L.mn) return;
    for (j = 0; j < D.n; j++) {
      var k = Math.max(0, Math.min(NBIN - 1, Math.floor(D.t[j] / binW))), dd = D.d[j];
      if (L.mn[k] < 0 || dd < L.mn[k]) L.mn[k] = dd;
      if (dd > L.mx[k]) L.mx[k] = dd;
      /* chunks may finish inflating out of order: the latest event of the bin wins */
      if (L.last[k] < 0 || D.t[j] >= L.lastT[k]) { L.last[k] = dd; L.lastT[k] = D.t[j]; }
    }
  }
}

function inflate(b64) {
  var bin = atob(b64), u = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
  var stream = new Blob([u]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Response(stream).arrayBuffer().then(function (ab) { return new Uint8Array(ab); });
}

/* ---- lookups ---- */
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
/* The chunks of L that reach into [a, b): [first, end). */
function chunkRange(L, a, b) {
  var C = L.chunks, lo = 0, hi = C.length;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (C[mid].t1 > a) hi = mid; else lo = mid + 1; }
  var i0 = lo;
  lo = i0; hi = C.length;
  while (lo < hi) { var m2 = (lo + hi) >> 1; if (C[m2].t0 >= b) hi = m2; else lo = m2 + 1; }
  return [i0, lo];
}
/* Intervals of L overlapping [a, b) (events of L at a <= t < b): exact, from chunk counts and the edges. */
function countIn(L, a, b) {
  var r = chunkRange(L, a, b), n = 0;
  for (var i = r[0]; i < r[1]; i++) {
    var ch = L.chunks[i];
    /* intervals count when they end after a and start before b; events when a <= t < b */
    if (L.kind <= 2 ? ch.t0 > a && ch.t1 < b : ch.t0 >= a && ch.t1 < b) { n += ch.n; continue; }
    if (!ch.raw) continue;
    var D = decoded(L, ch);
    if (L.kind <= 2) {
      for (var j = upper(D.e, D.n, a); j < D.n && D.s[j] < b; j++) n++;
    } else {
      n += lower(D.t, D.n, b) - lower(D.t, D.n, a);
    }
  }
  return n;
}
/* Position of the last interval (or event) of L starting at or before t: {ci, j, D}, or null. */
function at(L, t) {
  var C = L.chunks, lo = 0, hi = C.length;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (C[mid].t0 > t) hi = mid; else lo = mid + 1; }
  var ci = lo - 1;
  if (ci < 0 || !C[ci].raw) return null;
  var D = decoded(L, C[ci]);
  return { ci: ci, j: upper(L.kind <= 2 ? D.s : D.t, D.n, t) - 1, D: D };
}
/* The position after pos, across chunks; null at the end. */
function step(L, pos) {
  if (pos.j + 1 < pos.D.n) return { ci: pos.ci, j: pos.j + 1, D: pos.D };
  if (pos.ci + 1 >= L.chunks.length || !L.chunks[pos.ci + 1].raw) return null;
  return { ci: pos.ci + 1, j: 0, D: decoded(L, L.chunks[pos.ci + 1]) };
}
function first(L) {
  if (!L.chunks.length || !L.chunks[0].raw) return null;
  return { ci: 0, j: 0, D: decoded(L, L.chunks[0]) };
}
/* Interval of L under t, or the nearest within slack ns: {s, e, v, x} or null. */
function hit(L, t, slack) {
  var p = at(L, t), nx;
  if (p && p.j >= 0 && p.D.e[p.j] > t) return iv(p);
  nx = p ? step(L, p.j >= 0 ? p : { ci: p.ci, j: -1, D: p.D }) : first(L);
  if (p && p.j < 0) nx = { ci: p.ci, j: 0, D: p.D };
  var best = null, dist = slack;
  if (p && p.j >= 0 && t - p.D.e[p.j] <= dist) { best = iv(p); dist = t - p.D.e[p.j]; }
  if (nx && nx.D.s[nx.j] - t <= dist) best = iv(nx);
  return best;
}
function iv(p) { return { s: p.D.s[p.j], e: p.D.e[p.j], v: p.D.v[p.j], x: p.D.x[p.j] }; }

/* ---- page text ---- */
function fmt(ns) {
  var a = Math.abs(ns);
  if (a >= 1e9) return +(ns / 1e9).toFixed(3) + ' s';
  if (a >= 1e6) return +(ns / 1e6).toFixed(3) + ' ms';
  if (a >= 1e3) return +(ns / 1e3).toFixed(3) + ' us';
  return Math.round(ns) + ' ns';
}
/* ns in the unit fmt() would pick, with enough decimals to tell apart times res ns apart */
function fmtRes(ns, res) {
  var a = Math.abs(ns), div = a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : a >= 1e3 ? 1e3 : 1;
  var unit = div === 1e9 ? ' s' : div === 1e6 ? ' ms' : div === 1e3 ? ' us' : ' ns';
  var dec = Math.max(0, Math.min(9, Math.ceil(-Math.log10(res / div) - 1e-9)));
  return +(ns / div).toFixed(dec) + unit;
}
function pct(x) { return (100 * x).toFixed(x < 0.1 ? 1 : 0) + '%'; }
var summary = tail.summary !== null ? tail.summary : head.summary;
document.getElementById('summary').textContent = summary || '(no report summary)';
document.getElementById('meta').textContent = 'kernel ' + (tail.kernel || '?') + ', ' +
  cpuLanes.length + ' CPUs, ' + fmt(endT) + ' traced' + (tail.cmdline ? ', ' + tail.cmdline : '') +
  ', ' + nIv + ' intervals, ' + nWake + ' wakeups';

var legend = document.getElementById('legend');
function swatch(parent, color, text, title) {
  var s = document.createElement('span'), b = document.createElement('b');
  s.className = 'sw'; b.style.background = color; s.appendChild(b);
  s.appendChild(document.createTextNode(text));
  if (title) s.title = title;
  parent.appendChild(s);
  return s;
}
/* States that occur, in enum order, then what CPU lanes show; tasks in a box of their own. */
function buildLegend() {
  var row = document.createElement('div');
  row.className = 'row';
  var lab = document.createElement('span'); lab.className = 'lab'; lab.textContent = 'task states';
  row.appendChild(lab);
  STATES.forEach(function (name, j) {
    if (stateSeen[j] || j === 0) swatch(row, stateColors[j], name);
  });
  legend.appendChild(row);
  row = document.createElement('div'); row.className = 'row';
  lab = document.createElement('span'); lab.className = 'lab'; lab.textContent = 'CPUs held by';
  row.appendChild(lab);
  swatch(row, IDLE_COLOR, 'idle'); swatch(row, OTHER_COLOR, 'other (untraced) tasks');
  if (MORE) swatch(row, MORE_COLOR, 'traced tasks past the first ' + CPU_CATS + ' (zoom in: symbols)');
  var box = document.createElement('details');
  box.id = 'tasklegend';
  var sum = document.createElement('summary');
  sum.textContent = order.length + ' traced task' + (order.length === 1 ? '' : 's') +
    ' (colour and symbol also beside each task lane)';
  box.appendChild(sum);
  if (order.length <= 12) box.open = true;
  order.forEach(function (p) {
    swatch(box, tasks[p].color, tasks[p].sym + ' ' + tasks[p].comm + ' (' + p + ')');
  });
  row.appendChild(box);
  legend.appendChild(row);
}

/* ---- layout ---- */
var rows = [], taskRow = {}, cpuRow = [];
function layout() {
  var y = AXIS;
  rows = []; taskRow = {}; cpuRow = [];
  rows.push({ kind: 'head', y: y, h: SECTION, label: 'CPUs: who held each CPU' }); y += SECTION;
  cpuLanes.forEach(function (L, c) {
    var r = { kind: 'cpu', y: y, h: LANE_H, lane: L, label: 'cpu' + c, id: c };
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
var cssW = 0, cssH = 0, W = 0, dpr = 1;
var v0 = 0, v1 = endT;
function resize() {
  dpr = window.devicePixelRatio || 1;
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
  var stp = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, cssW, AXIS);
  ctx.strokeStyle = '#e0e0e0'; ctx.fillStyle = '#333'; ctx.font = '11px sans-serif';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  for (var tt = Math.ceil(v0 / stp) * stp; tt <= v1; tt += stp) {
    var x = Math.round(xOf(tt)) + 0.5;
    ctx.moveTo(x, AXIS - 8); ctx.lineTo(x, cssH);
    ctx.fillText(fmtRes(tt, stp), x + 2, 6);
  }
  ctx.stroke();
  ctx.fillText('time since trace start', 6, 6);
}

/*
 * Time of L per category in each of npx pixel columns over [a, b), in
 * pixel units (a column fully covered by one category holds 1 there).
 * Returns { acc, mode, labels } where mode says whether intervals or bins
 * were used; labels are the intervals wide enough to write into.
 */
var accBuf = new Float64Array(0);
function accumulate(L, a, b, npx) {
  var K = L.K, size = npx * K, span = (b - a) / npx;
  if (accBuf.length < size) accBuf = new Float64Array(size);
  var acc = accBuf;
  acc.fill(0, 0, size);
  var res = { acc: acc, mode: 'none', labels: [] };
  if (!L.chunks.length) return res;
  var inView = countIn(L, a, b);
  if (!L.bins || lodMode === 'intervals' || lodMode !== 'bins' && (inView <= DETAIL_MAX || span < 4 * binW)) {
    res.mode = 'intervals';
    var r = chunkRange(L, a, b);
    for (var i = r[0]; i < r[1]; i++) {
      if (!L.chunks[i].raw) continue;
      var D = decoded(L, L.chunks[i]);
      for (var j = upper(D.e, D.n, a); j < D.n; j++) {
        var s = D.s[j];
        if (s >= b) break;
        var x0 = (s - a) / span, x1 = (D.e[j] - a) / span, c = L.cat(D.v[j]);
        if (x0 < 0) x0 = 0;
        if (x1 > npx) x1 = npx;
        if (x1 <= x0) continue;
        var p0 = Math.floor(x0), p1 = Math.floor(x1);
        if (p1 >= npx) p1 = npx - 1;
        if (p0 === p1) {
          acc[p0 * K + c] += x1 - x0;
        } else {
          acc[p0 * K + c] += p0 + 1 - x0;
          for (var pp = p0 + 1; pp < p1; pp++) acc[pp * K + c] += 1;
          acc[p1 * K + c] += x1 - p1;
        }
        if (x1 - x0 > 30) res.labels.push(x0, x1, D.v[j]);
      }
    }
  } else {
    res.mode = 'bins';
    var B = L.bins, bA = Math.max(0, Math.floor(a / binW)), bB = Math.min(NBIN, Math.ceil(b / binW));
    for (var bb = bA; bb < bB; bb++) {
      var lo = Math.max(a, bb * binW), hi = Math.min(b, (bb + 1) * binW);
      if (hi <= lo) continue;
      /* the bin's time, spread evenly over it, goes to the columns it overlaps */
      var frac = (hi - lo) / binW, y0 = (lo - a) / span, y1 = (hi - a) / span;
      var q0 = Math.min(npx - 1, Math.floor(y0)), q1 = Math.min(npx - 1, Math.floor(y1 - 1e-9));
      for (var k = 0; k < K; k++) {
        var val = B[bb * K + k];
        if (!val) continue;
        val = val * frac / span;
        if (q0 === q1) acc[q0 * K + k] += val;
        else {
          var f0 = (q0 + 1 - y0) / (y1 - y0);
          acc[q0 * K + k] += val * f0;
          acc[q1 * K + k] += val * (1 - f0);
        }
      }
    }
  }
  res.inView = inView;
  return res;
}

/*
 * Paints accumulate()'s columns as stacks; runs of one full category become
 * one rectangle.  Rectangles are gathered per category and filled as one
 * path each: switching fillStyle per pixel costs more than the drawing.
 */
var segBuf = [];
function paint(L, res, y, h) {
  var acc = res.acc, K = L.K, st = L.stack, runCat = -1, runX = 0, i, k;
  for (k = 0; k < K; k++) { if (!segBuf[k]) segBuf[k] = []; segBuf[k].length = 0; }
  function flushRun(x) {
    if (runCat >= 0) segBuf[runCat].push(runX, y, x - runX, h);
    runCat = -1;
  }
  for (var p = 0; p < W; p++) {
    var base = p * K, full = -1;
    for (i = 0; i < st.length; i++) {
      k = st[i];
      if (acc[base + k] > 0.999) { full = k; break; }
      if (acc[base + k] > 0.001) break;
    }
    if (full >= 0) {
      if (full !== runCat) { flushRun(p); runCat = full; runX = p; }
      continue;
    }
    flushRun(p);
    var cum = 0, yy = y;
    for (i = 0; i < st.length; i++) {
      k = st[i];
      var v = acc[base + k];
      if (!(v > 0)) continue;
      cum += v;
      var y2 = y + Math.round(Math.min(1, cum) * h);
      if (y2 > yy) { segBuf[k].push(p, yy, 1, y2 - yy); yy = y2; }
    }
  }
  flushRun(W);
  for (k = 0; k < K; k++) {
    var sg = segBuf[k];
    if (!sg.length) continue;
    ctx.fillStyle = colorOfCat(L.kind, k);
    ctx.beginPath();
    for (i = 0; i < sg.length; i += 4) ctx.rect(LABEL + sg[i], sg[i + 1], sg[i + 2], sg[i + 3]);
    ctx.fill();
  }
  var lab = res.labels;
  for (var j = 0; j < lab.length; j += 3) {
    var txt = L.kind === 1 ? (lab[j + 2] > 0 && tasks[lab[j + 2]] ? tasks[lab[j + 2]].sym : '')
      : (lab[j + 2] === 0 ? '' : STATES[lab[j + 2]]);
    if (!txt) continue;
    var x0 = LABEL + lab[j], x1 = LABEL + lab[j + 1];
    ctx.save(); ctx.beginPath(); ctx.rect(x0, y, x1 - x0, h); ctx.clip();
    ctx.fillStyle = L.kind === 2 && lab[j + 2] !== 0 ? '#000' : '#fff';
    ctx.fillText(txt, x0 + 3, y + 3); ctx.restore();
  }
}

/* A CPU where no traced task ran has no intervals: the kernel's accounting says what it did. */
function cpuStats(c) {
  var cs = tail.cpustats && tail.cpustats[c];
  if (!cs) return null;
  var tot = cs[0] + cs[1] + cs[2];
  return tot > 0 ? { idle: cs[0] / tot, other: cs[1] / tot, traced: cs[2] / tot } : null;
}
function cpuNoDataText(c) {
  var st = cpuStats(c);
  return 'no traced task ran on cpu' + c + (st ? ': other tasks ' + pct(st.other) + ', idle ' +
    pct(st.idle) + ' of the trace (the kernel\'s accounting)' : ': other tasks or idle');
}
function drawEmptyCpu(c, y, h) {
  var st = cpuStats(c), x0 = LABEL + Math.max(0, xOf(0) - LABEL), x1 = Math.min(LABEL + W, xOf(endT));
  if (x1 <= x0) return;
  if (st) {
    var ho = Math.round(h * st.other / (st.other + st.idle || 1));
    ctx.fillStyle = OTHER_COLOR; ctx.fillRect(x0, y, x1 - x0, ho);
    ctx.fillStyle = IDLE_COLOR; ctx.fillRect(x0, y + ho, x1 - x0, h - ho);
  } else {
    ctx.fillStyle = IDLE_COLOR; ctx.fillRect(x0, y, x1 - x0, h);
  }
  ctx.fillStyle = '#000';
  ctx.fillText(cpuNoDataText(c), Math.max(x0, LABEL) + 4, y + 3);
}

function queueCap(Q) { return Math.max(tail.capacity || 0, Q.max, 1); }
/* Depth as an envelope per pixel: dark up to the lowest depth in the pixel, light up to the highest. */
function drawQueue(Q, y, h) {
  var cap = queueCap(Q), base = y + h - 2, sc = (h - 6) / cap, px, mx, mn, a, b;
  ctx.fillStyle = '#fafafa'; ctx.fillRect(LABEL, y, W, h);
  if (!Q.n) return;
  var stop = Math.min(v1, endT), span = (v1 - v0) / W;
  function bar(px, mx, mn) {
    if (mx < 0) return;
    ctx.fillStyle = '#90caf9'; ctx.fillRect(LABEL + px, base - mx * sc, 1, mx * sc);
    ctx.fillStyle = '#1565c0'; ctx.fillRect(LABEL + px, base - mn * sc, 1, mn * sc);
  }
  if (!Q.mn || countIn(Q, v0, v1) <= DETAIL_MAX || span < 4 * binW) {
    var pos = at(Q, v0), depth = pos && pos.j >= 0 ? pos.D.d[pos.j] : -1;
    pos = pos ? (pos.j >= 0 ? step(Q, pos) : { ci: pos.ci, j: 0, D: pos.D }) : first(Q);
    for (px = 0; px < W; px++) {
      a = v0 + px * span; b = a + span;
      if (a >= stop) break;
      mx = depth; mn = depth;
      while (pos && pos.D.t[pos.j] < b) {
        depth = pos.D.d[pos.j];
        if (mn < 0) mn = depth;
        if (depth > mx) mx = depth;
        if (depth < mn) mn = depth;
        pos = step(Q, pos);
      }
      bar(px, mx, mn);
    }
  } else {
    var k = Math.max(0, Math.min(NBIN - 1, Math.floor(v0 / binW))), dep = -1;
    for (var kb = k - 1; kb >= 0; kb--) if (Q.last[kb] >= 0) { dep = Q.last[kb]; break; }
    for (px = 0; px < W; px++) {
      a = v0 + px * span; b = a + span;
      if (a >= stop) break;
      mx = dep; mn = dep;
      for (; k < NBIN && k * binW < b; k++) {
        if (Q.last[k] < 0) continue;
        if (mn < 0 || Q.mn[k] < mn) mn = Q.mn[k];
        if (Q.mx[k] > mx) mx = Q.mx[k];
        dep = Q.last[k];
      }
      bar(px, mx, mn);
    }
  }
  ctx.strokeStyle = '#c62828'; ctx.setLineDash([4, 3]); ctx.beginPath();
  ctx.moveTo(LABEL, base - cap * sc + 0.5); ctx.lineTo(LABEL + W, base - cap * sc + 0.5); ctx.stroke();
  ctx.setLineDash([]);
  var capText = (tail.capacity ? 'capacity ' : 'max ') + cap;
  ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(LABEL + 2, y + 1, ctx.measureText(capText).width + 4, 13);
  ctx.fillStyle = '#c62828'; ctx.fillText(capText, LABEL + 4, y + 2);
}

/* The start of pid's first running interval at or after t, looking a few intervals ahead. */
function nextRun(pid, t) {
  var L = taskLanes[pid];
  if (!L) return t;
  var p = at(L, t);
  p = p ? (p.j >= 0 ? p : { ci: p.ci, j: 0, D: p.D }) : first(L);
  for (var look = 0; p && look < 5; look++, p = step(L, p)) {
    if (p.D.s[p.j] >= t && p.D.v[p.j] === 0) return p.D.s[p.j];
  }
  return t;
}
var arrowNote = '';
function drawArrows() {
  var n = countIn(wakeLane, v0, v1), drawn = 0;
  arrowNote = '';
  /* more than one arrow per few pixels is a red smear: ask for a closer look */
  if (n > Math.max(50, W / 3)) { arrowNote = 'zoom in to see ' + n + ' wakeup arrows'; return 0; }
  ctx.strokeStyle = 'rgba(183,28,28,0.85)'; ctx.fillStyle = 'rgba(183,28,28,0.85)'; ctx.lineWidth = 1;
  var r = chunkRange(wakeLane, v0, v1);
  for (var i = r[0]; i < r[1]; i++) {
    var D = decoded(wakeLane, wakeLane.chunks[i]);
    for (var j = lower(D.t, D.n, v0); j < D.n && D.t[j] < v1; j++) {
      var to = taskRow[D.to[j]];
      if (!to) continue;
      var from = taskRow[D.from[j]] || cpuRow[D.cpu[j]];
      var tt = D.t[j], t2 = nextRun(D.to[j], tt);
      var x0 = xOf(tt), y0 = from ? from.y + from.h / 2 : to.y - 4, x1 = xOf(t2), y1 = to.y + to.h / 2;
      ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
      var ang = Math.atan2(y1 - y0, x1 - x0);
      ctx.beginPath(); ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 6 * Math.cos(ang - 0.4), y1 - 6 * Math.sin(ang - 0.4));
      ctx.lineTo(x1 - 6 * Math.cos(ang + 0.4), y1 - 6 * Math.sin(ang + 0.4));
      ctx.closePath(); ctx.fill();
      drawn++;
    }
  }
  return drawn;
}

var wakeBox = document.getElementById('wakeups');
var lastStats = null, ready = false;
function draw() {
  if (!ready) return;
  var t0 = performance.now(), drawnIv = 0, drawnWk = 0, nBins = 0, nExact = 0;
  ctx.clearRect(0, 0, cssW, cssH);
  ctx.font = '11px sans-serif'; ctx.textBaseline = 'top';
  drawAxis();
  rows.forEach(function (r) {
    if (r.kind === 'head') {
      ctx.fillStyle = '#37474f'; ctx.font = 'bold 12px sans-serif';
      ctx.fillText(r.label, 6, r.y + 4); ctx.font = '11px sans-serif';
      return;
    }
    var lx = 6;
    if (r.kind === 'task') {
      ctx.fillStyle = tasks[r.id].color; ctx.fillRect(6, r.y + 3, 10, 11); lx = 20;
    }
    ctx.fillStyle = '#263238'; ctx.fillText(r.label, lx, r.y + 3);
    ctx.save(); ctx.beginPath(); ctx.rect(LABEL, r.y, W, r.h); ctx.clip();
    if (r.kind === 'queue') {
      drawQueue(r.q, r.y, r.h);
    } else if (r.kind === 'cpu' && !r.lane.chunks.length) {
      drawEmptyCpu(r.id, r.y, r.h);
    } else {
      var res = accumulate(r.lane, v0, v1, W);
      paint(r.lane, res, r.y, r.h);
      drawnIv += res.inView || 0;
      if (res.mode === 'bins') nBins++; else nExact++;
    }
    ctx.restore();
  });
  if (wakeBox.checked) drawnWk = drawArrows();
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, LABEL - 2, AXIS);
  ctx.fillStyle = '#333'; ctx.fillText(fmtRes(v0, (v1 - v0) / 100) + ' .. ' + fmtRes(v1, (v1 - v0) / 100), 6, 16);
  lastStats = { ms: performance.now() - t0, iv: drawnIv, wk: drawnWk, binLanes: nBins, exactLanes: nExact };
  var nTask = rows.filter(function (r) { return r.kind === 'task'; }).length;
  if (loadMs < 0) loadMs = performance.now() - loadStart;
  statusText = 'rendered ' + cpuLanes.length + ' cpu lanes, ' + nTask + ' task lanes, ' +
    queues.length + ' queue tracks, ' + drawnIv + ' intervals in view, ' +
    (wakeBox.checked ? drawnWk + ' wakeup arrows' + (arrowNote ? ' (' + arrowNote + ')' : '') + ', ' : '') +
    'lanes from intervals ' + nExact + ', from ' + NBIN + ' bins ' + nBins + ', ' +
    'drawn in ' + lastStats.ms.toFixed(1) + ' ms (page ready in ' + loadMs.toFixed(0) + ' ms, ' +
    nChunks + ' chunks, ' + decodedTotal + ' decoded)';
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
/*
 * --stacks: where this task blocked most (whole trace).  A folded stack is
 * root first; shown are its last user frames (before the kernel entry) and
 * the kernel frame it slept in, past the scheduler's own.
 */
(tail.stacks || []).forEach(function (s) { if (tasks[s[0]]) tasks[s[0]].stacks.push(s); });
function stackText(folded) {
  var fr = folded.split(';'), k = fr.length, user, kern;
  for (var i = 0; i < fr.length; i++) if (/^(entry_SYSCALL|asm_|ret_from_fork)/.test(fr[i])) { k = i; break; }
  user = fr.slice(0, k).filter(function (f) { return f.charAt(0) !== '[' && !/^(__)?schedule/.test(f); });
  kern = fr.slice(k).filter(function (f) { return !/^(__)?schedule|^do_syscall_64$|^entry_|^asm_/.test(f); });
  return (user.length ? user.slice(-3).join(' > ') : '?') +
    (kern.length ? ' | kernel: ' + kern[kern.length - 1] : '');
}
function stackLines(pid) {
  var tk = tasks[pid], out = [];
  if (!tk || !tk.stacks || !tk.stacks.length) return out;
  out.push('where it blocked most (whole trace):');
  tk.stacks.forEach(function (s) { out.push('  ' + fmt(s[1]) + ' in ' + s[2] + 'x: ' + stackText(s[3])); });
  return out;
}
/* Why pid left the CPU at time tt: the state its task lane enters then. */
function leftBecause(pid, tt) {
  var L = taskLanes[pid], I = L ? hit(L, tt, 0) : null;
  if (!I) return '';
  return I.v === 0 ? 'still running' : STATES[I.v];
}
/* Shares of each category of row r over [a, b), largest first, as text. */
function sharesText(r, a, b, exact) {
  var res = accumulate(r.lane, a, b, 1), parts = [], K = r.lane.K;
  for (var k = 0; k < K; k++) if (res.acc[k] > 0.0005) parts.push([res.acc[k], nameOfCat(r.lane.kind, k)]);
  parts.sort(function (x, y) { return y[0] - x[0]; });
  return parts.map(function (x) { return x[1] + ' ' + (exact ? x[0].toFixed(4) : pct(x[0])); }).join(', ');
}
function describe(r, tt, slack) {
  var lines, I;
  if (r.kind === 'queue') {
    var Q = r.q, p = at(Q, tt);
    if (!p || p.j < 0 || tt > endT) return null;
    return 'queue ' + Q.id + '\ndepth ' + p.D.d[p.j] + ' of ' + queueCap(Q) + '\nsince ' + fmtRes(p.D.t[p.j], 1);
  }
  if (r.kind === 'cpu' && !r.lane.chunks.length) return tt >= 0 && tt <= endT ? cpuNoDataText(r.id) : null;
  if (!(I = hit(r.lane, tt, slack))) return null;
  var s = I.s, e = I.e, v = I.v;
  if (r.kind === 'cpu') {
    lines = ['cpu' + r.id + ': ' + occName(v), 'start ' + fmtRes(s, 1), 'duration ' + fmt(e - s)];
    if (v > 0) {
      var why = leftBecause(v, e);
      if (why) lines.push('then: ' + why);
    }
  } else {
    lines = [taskName(r.id), 'state: ' + STATES[v] + (v === 0 && I.x >= 0 ? ' on cpu' + I.x : ''),
      'start ' + fmtRes(s, 1), 'duration ' + fmt(e - s)];
    if (STATES[v] && STATES[v].indexOf('runnable') === 0) lines.push('reason: waiting for a CPU');
    else if (v > 0) {
      lines.push('reason: blocked, ' + STATES[v]);
      stackLines(r.id).forEach(function (l) { lines.push(l); });
    }
  }
  return lines.join('\n');
}
canvas.addEventListener('mousemove', function (ev) {
  if (drag || !ready) return;
  var rect = canvas.getBoundingClientRect(), x = ev.clientX - rect.left, y = ev.clientY - rect.top;
  var r = null;
  for (var j = 0; j < rows.length; j++) if (rows[j].kind !== 'head' && y >= rows[j].y && y < rows[j].y + rows[j].h) r = rows[j];
  var text = r && x >= LABEL ? describe(r, tOf(x), 3 * (v1 - v0) / W) : null;
  if (r && x >= LABEL && r.lane && r.lane.chunks.length) {
    /* a pixel that holds more than one interval: say what it is made of */
    var a = tOf(Math.floor(x)), b = tOf(Math.floor(x) + 1), sh = sharesText(r, a, b);
    if (sh.indexOf(',') >= 0) text = (text ? text + '\n' : '') + 'this pixel (' + fmt(b - a) + '): ' + sh;
  }
  if (!text) { hideTip(); return; }
  tip.textContent = text;
  tip.style.display = 'block';
  tip.style.left = Math.min(x + 14, cssW - 300) + 'px';
  tip.style.top = (y + 14) + 'px';
});
canvas.addEventListener('mouseleave', hideTip);

function rowOf(kind, id) { return rows.filter(function (x) { return x.kind === kind && x.id === id; })[0]; }
/* What the canvas shows in pixel column x (CSS px from the lane's start) of a row, by legend name. */
function pixelShares(kind, id, x) {
  var r = rowOf(kind, id);
  if (!r) return null;
  var px = Math.floor((LABEL + x) * dpr), y0 = Math.round(r.y * dpr), hh = Math.round(r.h * dpr);
  var data = ctx.getImageData(px, y0, 1, hh).data, names = {}, out = {}, K = r.lane ? r.lane.K : 0;
  for (var k = 0; k < K; k++) names[colorOfCat(r.lane.kind, k)] = nameOfCat(r.lane.kind, k);
  for (var i = 0; i < hh; i++) {
    var hex = '#' + [data[4 * i], data[4 * i + 1], data[4 * i + 2]].map(function (c) {
      return (c < 16 ? '0' : '') + c.toString(16);
    }).join('');
    var nm = names[hex] || (data[4 * i + 3] === 0 ? 'blank' : hex);
    out[nm] = (out[nm] || 0) + 1 / hh;
  }
  return out;
}

/* hooks for tests and the curious: window.schedlab.view(from, to) */
window.schedlab = {
  view: function (a, b) { v0 = a; v1 = b; clampView(); draw(); return lastStats; },
  describe: function (kind, id, tt) {
    var r = rowOf(kind, id);
    return r ? describe(r, tt, 0) : null;
  },
  shares: function (kind, id, a, b) { var r = rowOf(kind, id); return r ? sharesText(r, a, b, true) : null; },
  interval: function (kind, id, tt) {
    var r = rowOf(kind, id), I = r && r.lane ? hit(r.lane, tt, 0) : null;
    return I ? I.s + ' ' + I.e + ' ' + I.v + ' ' + I.x : null;
  },
  pixelShares: pixelShares,
  stats: function () { return lastStats; },
  end: function () { return endT; }
};

/*
 * The page's hash can set the first view, for links and for the browser
 * test: #from=NS&to=NS&wakeups=1&probe=cpu,0,NS;task,PID,NS writes what
 * the tooltip would say at each probe into <pre id="probe">;
 * pixels=task,PID,X;... what the canvas shows in column X of that lane;
 * shares=task,PID,FROM,TO;... each state's share of that time;
 * iv=task,PID,NS;... the interval there as "start end value cpu" in ns;
 * lod=bins|intervals draws every lane from its bins or its intervals.
 */
var opts = {};
location.hash.replace(/^#/, '').split('&').forEach(function (p) {
  var kv = p.split('=');
  if (kv[0]) opts[kv[0]] = decodeURIComponent(kv[1] || '');
});
if (opts.from !== undefined && opts.to !== undefined) { v0 = +opts.from; v1 = +opts.to; clampView(); }
if (opts.wakeups) wakeBox.checked = opts.wakeups === '1';
if (opts.lod) lodMode = opts.lod;

function probes() {
  var out = [];
  if (opts.probe) {
    out = out.concat(opts.probe.split(';').map(function (p) {
      var a = p.split(',');
      return window.schedlab.describe(a[0], +a[1], +a[2]) || 'nothing';
    }));
  }
  if (opts.pixels) {
    out = out.concat(opts.pixels.split(';').map(function (p) {
      var a = p.split(','), sh = pixelShares(a[0], +a[1], +a[2]);
      if (!sh) return 'nothing';
      return Object.keys(sh).sort().map(function (k) { return k + ' ' + sh[k].toFixed(2); }).join(', ');
    }));
  }
  if (opts.shares) {
    out = out.concat(opts.shares.split(';').map(function (p) {
      var a = p.split(',');
      return window.schedlab.shares(a[0], +a[1], +a[2], +a[3]) || 'nothing';
    }));
  }
  if (opts.iv) {
    out = out.concat(opts.iv.split(';').map(function (p) {
      var a = p.split(',');
      return window.schedlab.interval(a[0], +a[1], +a[2]) || 'nothing';
    }));
  }
  if (out.length) document.getElementById('probe').textContent = out.join('\n--\n');
}

/* ---- load: inflate every chunk, in order per lane, a few at a time ---- */
var all = [];
ivLanes.concat([wakeLane], queues).forEach(function (L) {
  L.chunks.forEach(function (ch) { all.push([L, ch]); });
});
var nextStart = 0, nDone = 0, AHEAD = 16;
statusText = 'loading ' + all.length + ' chunks';
showStatus();
function finishLoad() {
  all = null;
  buildLegend();
  resize();
  ready = true;
  draw();
  probes();
}
function startMore() {
  while (nextStart < all.length && nextStart - nDone < AHEAD) {
    (function (item) {
      inflate(item[1].b64).then(function (raw) {
        item[1].raw = raw; item[1].b64 = null;
        addToBins(item[0], decode(item[0], item[1]));
        nDone++;
        if (nDone === all.length) { finishLoad(); return; }
        if (nDone % 64 === 0) { statusText = 'loading: ' + nDone + ' of ' + all.length + ' chunks'; showStatus(); }
        startMore();
      }).catch(function (e) { errors.push('chunk: ' + e); showStatus(); });
    })(all[nextStart++]);
  }
}
if (all.length && typeof DecompressionStream === 'undefined') {
  errors.push('this browser cannot inflate the page\'s data: it needs DecompressionStream ' +
    '(Chromium 80, Firefox 113, Safari 16.4 or later)');
  showStatus();
} else if (all.length) {
  startMore();
} else {
  finishLoad();
}
})();
