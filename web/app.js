// app.js: the playground's page.  The engine runs in a Web Worker
// (worker.js); this file sends it the program as the user types and shows
// what comes back.  No framework: the DOM, KaTeX and viz-js.
'use strict';

// ---- the modes: one row per tab -------------------------------------------
// `what` is the list of outputs glue.c computes (nnderive.h's format names,
// "verify"); the panel is built from `kind` unless index.html has it.  The
// check box is not a tab: it is checked with whatever tab is shown.
// Adding the NumPy tab, once the library has ND_NUMPY, is one row:
//   { id: 'numpy', label: 'NumPy', what: 'ND_NUMPY', kind: 'code' },
const MODES = [
  { id: 'gradients', label: 'Gradients', what: 'ND_TEXT,ND_LATEX', kind: 'gradients' },
  { id: 'steps', label: 'Steps', what: 'ND_STEPS,ND_STEPS_LATEX', kind: 'math' },
  { id: 'paths', label: 'Paths', what: 'ND_PATHS,ND_PATHS_LATEX', kind: 'math' },
  { id: 'graph', label: 'Graph', what: 'ND_DOT', kind: 'graph' },
  { id: 'c', label: 'C code', what: 'ND_C', kind: 'code' },
  { id: 'verify', label: 'Verify', what: 'verify', kind: 'verify' },
  { id: 'explain', label: 'Declarations', what: 'ND_EXPLAIN', kind: 'code' },
];
const PROGRAM_FILE = 'program.nd';     // the name glue.c gives the program
const ANSWER_FILE = '<check>';         // ... and the answer
const DEBOUNCE_MS = 15;                // short: a derivation takes a few ms, and
                                       // one runs at a time (the newest waits)

const $ = (id) => document.getElementById(id);
const state = { mode: 'gradients', backward: false, wrtList: [] };
// For scripts and tests: what is on screen and how long it took.
const playground = window.ndPlayground = {
  ready: false, rendered: null, stats: { requests: 0 }, timings: [],
};

// ---- the worker -------------------------------------------------------------

const engine = {
  worker: null, busy: false, pending: null, nextId: 1, callbacks: new Map(),
};
// Nothing waits: no edit to derive, no request running or queued.
playground.idle = () => timer === null && !engine.busy && !engine.pending;

function startEngine() {
  const blob = new Blob([ND_WORKER_SOURCE], { type: 'text/javascript' });
  const url = URL.createObjectURL(blob);
  engine.worker = new Worker(url);
  engine.worker.onmessage = (e) => onEngineMessage(e.data);
  engine.worker.onerror = (e) => setStatus('the engine failed to start: ' + e.message, 'bad');
}

function onEngineMessage(msg) {
  if (msg.ready) {
    playground.ready = true;
    playground.stats.engineReadyMs = performance.now();
    $('version').textContent = 'nnderive ' + msg.version;
    setStatus(`engine ready (${msg.ms.toFixed(0)} ms)`);
    return;
  }
  const cb = engine.callbacks.get(msg.id);
  engine.callbacks.delete(msg.id);
  engine.busy = false;
  if (cb) cb(msg);
  if (engine.pending) {
    const next = engine.pending;
    engine.pending = null;
    send(next.req, next.cb);
  }
}

// One request at a time; while one runs, only the newest waits (typing
// never queues up work).
function send(req, cb) {
  if (engine.busy) {
    engine.pending = { req, cb };
    return;
  }
  engine.busy = true;
  req.id = engine.nextId++;
  engine.callbacks.set(req.id, cb);
  engine.worker.postMessage(req);
}

// ---- updating ------------------------------------------------------------------

let timer = null;
let inputAt = 0;

// Called on every edit: the derivation runs once the user pauses.
function scheduleUpdate() {
  inputAt = performance.now();
  clearTimeout(timer);
  timer = setTimeout(update, DEBOUNCE_MS);
}

function modeRow(id) {
  return MODES.find((m) => m.id === id) || MODES[0];
}

function update() {
  timer = null;
  saveState();
  const program = $('program').value;
  const mode = modeRow(state.mode);
  const answer = $('check-answer').value;
  let what = mode.what;
  if (mode.id === 'graph' && state.backward) what = 'ND_DOT_STEPS';
  // the declarations tell the program's variables, for the check's
  // selector (they cost little next to the derivation)
  if (mode.id !== 'explain') what += ',ND_EXPLAIN';
  if (answer.trim()) what += ',check';
  // an expression answer is about one variable: the selector's, or the
  // link's while the program's variables are not known yet
  let wrt = '';
  if (answer.trim() && !answer.includes('='))
    wrt = state.wrtList.length > 1 ? $('check-wrt').value : state.wrtList.length ? '' : state.wantWrt;
  const started = inputAt || performance.now();
  inputAt = 0;
  playground.stats.requests++;
  const sentAt = performance.now();
  send({ program, what, wrt, answer }, (msg) => {
    const receivedAt = performance.now();
    render(msg, mode, { program, answer, what, wrt });
    const now = performance.now();
    // from the keystroke: the debounce, the worker's round trip (the
    // engine's share of it), the rendering; `totalMs` is the whole
    playground.timings.push({ mode: mode.id, waitMs: sentAt - started,
      workerMs: receivedAt - sentAt, engineMs: msg.ms, renderMs: now - receivedAt,
      totalMs: now - started });
    if (!playground.stats.firstRenderMs) playground.stats.firstRenderMs = now;
    if (!msg.crash) setStatus(`${mode.label.toLowerCase()}: ${msg.ms.toFixed(1)} ms in the engine`);
  });
}

// The wrt variables, for the check box's selector, from --explain's
// "# wrt: W b" line (the check of a program of several needs one).
function updateWrtList(explain) {
  const m = /^# wrt: (.*)$/m.exec(explain || '');
  const list = m ? m[1].trim().split(/\s+/) : [];
  if (list.join(' ') === state.wrtList.join(' ')) return false;
  state.wrtList = list;
  const sel = $('check-wrt');
  const keep = sel.value || state.wantWrt;
  sel.replaceChildren(...list.map((v) => new Option(v, v)));
  if (list.includes(keep)) sel.value = keep;
  $('check-wrt-label').hidden = list.length < 2;
  return true;
}

// ---- rendering ------------------------------------------------------------------

function render(msg, mode, req) {
  const r = msg.result;
  const marks = [];
  const answerMarks = [];
  if (msg.crash) {
    // the outputs are cleared: what is on screen belongs to no program
    showDiagnostics('The engine stopped (' + msg.crash + '): the program is too deep or too ' +
      'large for the browser (the command line has no such limit). It has been restarted.', true);
    SHOW[mode.kind]({ outputs: {} }, mode, marks, answerMarks);
    showCheck({}, marks, answerMarks);
  } else {
    showDiagnostics(r.diagnostics, r.status === 2);
    markDiagnostics(r.diagnostics, marks, answerMarks);
    SHOW[mode.kind](r, mode, marks, answerMarks);
    showCheck(r, marks, answerMarks);
    // a program of several variables: the check needs one, now known
    if (r.outputs && r.outputs.ND_EXPLAIN && updateWrtList(r.outputs.ND_EXPLAIN.text) &&
        req.answer.trim() && !req.wrt && state.wrtList.length > 1)
      scheduleUpdate();
  }
  editors.program.mark(marks);
  editors.answer.mark(answerMarks);
  const first = marks.find((m) => m.cls === 'error');
  $('program').dataset.errorLine = first ? first.line : '';
  $('program').dataset.errorColumn = first ? first.column : '';
  playground.rendered = { program: req.program, mode: mode.id, answer: req.answer, what: req.what,
    status: msg.crash ? 'crash' : r.status };
}

// Every FILE:LINE:COL of the engine's messages becomes a mark in the
// program or in the answer: the error itself, and the notes (an unclosed
// parenthesis) and warnings around it.
function markDiagnostics(text, marks, answerMarks) {
  const re = /^(.*?):(\d+):(\d+): (error|warning|note): (.*)$/gm;
  const cls = { error: 'error', warning: 'warn', note: 'hint' };
  for (const m of (text || '').matchAll(re)) {
    const into = m[1] === ANSWER_FILE ? answerMarks : m[1] === PROGRAM_FILE ? marks : null;
    if (into) into.push({ line: Number(m[2]), column: Number(m[3]), cls: cls[m[4]], title: m[5] });
  }
}

function showDiagnostics(text, bad) {
  const d = $('diagnostics');
  d.textContent = text || '';
  d.className = bad ? 'bad' : (text ? 'warn' : '');
}

function output(r, fmt) {
  const o = r.outputs && r.outputs[fmt];
  return o && o.status !== 2 ? o.text : '';
}

// Typesets align* lines with KaTeX; what KaTeX cannot read shows as text,
// and so does an output too long to typeset while the user types (KaTeX
// takes seconds over a thousand-layer network).
const TYPESET_MAX = 20000;

const typesetCache = new WeakMap();     // element -> the LaTeX it shows

function typeset(el, latex) {
  if (typesetCache.get(el) === latex) return;     // a space typed, a comment
  typesetCache.set(el, latex);
  el.replaceChildren();
  if (!latex.trim()) return;
  if (latex.length > TYPESET_MAX) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = `The LaTeX (${latex.length} characters) is too long to typeset here; ` +
      'the text form follows.';
    el.append(p);
    return;
  }
  const body = '\\begin{aligned}' + latex.trimEnd() + '\\end{aligned}';
  try {
    katex.render(body, el, { displayMode: true, throwOnError: true, strict: 'ignore',
      maxSize: 50, maxExpand: 2000 });
  } catch (e) {
    const pre = document.createElement('pre');
    pre.className = 'code';
    pre.textContent = latex + '\n(KaTeX: ' + e.message + ')';
    el.append(pre);
  }
}

const SHOW = {
  gradients(r) {
    $('text-output').textContent = output(r, 'ND_TEXT');
    typeset($('latex-output'), output(r, 'ND_LATEX'));
  },
  math(r, mode) {
    const [textFmt, latexFmt] = mode.what.split(',');
    $(mode.id + '-output').textContent = output(r, textFmt);
    typeset($(mode.id + '-latex'), output(r, latexFmt));
  },
  code(r, mode) {
    $(mode.id + '-output').textContent = output(r, mode.what);
  },
  graph(r) {
    const dot = output(r, state.backward ? 'ND_DOT_STEPS' : 'ND_DOT');
    $('dot-output').textContent = dot;
    drawGraph(dot);
  },
  verify(r) {
    const v = r.verify;
    const el = $('verify-output');
    el.textContent = v ? v.text : '';
    el.className = 'code ' + (v && v.status === 0 ? 'good' : v ? 'bad' : '');
  },
};

// The checker quotes expressions in backquotes: they show as code.
function withCode(text) {
  return text.split(/`([^`]*)`/).map((piece, i) => {
    if (i % 2 === 0) return piece;
    const code = document.createElement('code');
    code.textContent = piece;
    return code;
  });
}

function showCheck(r, marks, answerMarks) {
  const out = $('check-result');
  out.replaceChildren();
  const c = r.check;
  if (!c) {
    out.className = '';
    return;
  }
  if (c.status === 2) {
    // the answer does not parse or has the wrong shape for any reading
    out.className = 'bad';
    const pre = document.createElement('pre');
    pre.className = 'code';
    pre.textContent = c.diagnostics;
    out.append(pre);
    markDiagnostics(c.diagnostics, marks, answerMarks);
    return;
  }
  const report = JSON.parse(c.json);
  out.className = c.status === 0 ? 'good' : 'bad';
  for (const line of report.lines) {
    // as the command prints it: a line carried forward says only why
    const carried = line.kind === 'carried-forward';
    const div = document.createElement('div');
    div.className = 'verdict ' + (line.verdict === 'equivalent' ? 'good' : carried ? 'carried' : 'bad');
    const head = document.createElement('strong');
    head.textContent = carried ? line.name : `${line.name}: ${line.verdict}`;
    div.append(head);
    if (line.reason) div.append(': ', ...withCode(line.reason));
    if (line.kind) div.dataset.kind = line.kind;
    out.append(div);
    for (const p of line.positions || []) {
      const mark = { line: p.line, column: p.column, cls: 'hint', title: line.reason };
      if (p.file === ANSWER_FILE) answerMarks.push(mark);
      else if (p.file === PROGRAM_FILE) marks.push(mark);
    }
  }
  if (report.total > 1) {
    const sum = document.createElement('div');
    sum.className = 'summary';
    const wrong = report.lines.find((l) => l.name === report.first_wrong);
    sum.textContent = `${report.correct} of ${report.total} correct` +
      (report.carried_forward ? ` (${report.carried_forward} more right given an earlier wrong line)` : '') +
      (wrong ? `; the first wrong line is ${wrong.name} (line ${wrong.line})` : '');
    out.append(sum);
  }
}

// ---- the graph: viz-js, loaded the first time it is needed -------------------------

let vizPromise = null;

function loadViz() {
  if (!vizPromise)
    vizPromise = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'vendor/viz/viz-global.js';
      s.onload = () => Viz.instance().then(resolve, reject);
      s.onerror = () => reject(new Error('vendor/viz/viz-global.js did not load'));
      document.head.append(s);
    });
  return vizPromise;
}

let graphSerial = 0;

let graphShown = null;

function drawGraph(dot) {
  const view = $('graph-view');
  if (dot === graphShown && view.firstChild) return;
  graphShown = dot;
  const serial = ++graphSerial;
  if (!dot.trim()) {
    view.replaceChildren();
    return;
  }
  loadViz().then((viz) => {
    if (serial !== graphSerial) return;     // a newer graph is on its way
    const svg = viz.renderSVGElement(dot);
    svg.id = 'graph';
    view.replaceChildren(svg);
  }).catch((e) => {
    graphShown = null;
    view.textContent = 'Graphviz: ' + e.message;
  });
}

// ---- the editors: a textarea over a copy of its text with marks ------------------

// Byte column (the engine counts UTF-8 bytes) to a JavaScript index.
function columnIndex(lineText, column) {
  const enc = new TextEncoder();
  let bytes = 0;
  let i = 0;
  for (const ch of lineText) {
    if (bytes >= column - 1) break;
    bytes += enc.encode(ch).length;
    i += ch.length;
  }
  return i;
}

// The editor grows with its text, between minRows and maxRows lines.
function makeEditor(textarea, minRows, maxRows) {
  const back = textarea.parentElement.querySelector('.editor-back');
  let marks = [];
  function draw() {
    const lines = textarea.value.split('\n');
    const rows = Math.min(Math.max(lines.length + 1, minRows), maxRows);
    textarea.parentElement.style.setProperty('--rows', rows);
    const at = new Map();      // "line:index" -> mark
    for (const m of marks) {
      if (m.line < 1 || m.line > lines.length) continue;
      at.set(m.line + ':' + columnIndex(lines[m.line - 1], m.column), m);
    }
    back.replaceChildren();
    lines.forEach((text, n) => {
      const row = document.createElement('span');
      row.className = 'row';
      const picks = [...at.entries()].filter(([k]) => k.startsWith((n + 1) + ':'))
        .map(([k, m]) => [Number(k.split(':')[1]), m]).sort((a, b) => a[0] - b[0]);
      let from = 0;
      for (const [i, m] of picks) {
        row.append(text.slice(from, i));
        const mk = document.createElement('mark');
        mk.className = m.cls;
        mk.title = m.title || '';
        mk.dataset.line = m.line;
        mk.dataset.column = m.column;
        mk.textContent = i < text.length ? text.slice(i, i + 1) : ' ';
        row.append(mk);
        from = Math.min(text.length, i + 1);
      }
      row.append(text.slice(from) + '\n');
      back.append(row);
    });
    syncScroll();
  }
  function syncScroll() {
    back.scrollTop = textarea.scrollTop;
    back.scrollLeft = textarea.scrollLeft;
  }
  textarea.addEventListener('scroll', syncScroll);
  textarea.addEventListener('input', draw);
  return {
    mark(list) { marks = list; draw(); },
    // Puts the caret on a position the engine named.
    focus(line, column) {
      const lines = textarea.value.split('\n');
      let offset = 0;
      for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
      offset += columnIndex(lines[line - 1] || '', column);
      textarea.focus();
      textarea.setSelectionRange(offset, offset);
    },
    draw,
  };
}

const editors = {};

// ---- the state in the URL: #program=...&mode=...&check=... ---------------------

function readState() {
  const out = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    } catch (e) { /* a malformed escape: that field is ignored */ }
  }
  return out;
}

function saveState() {
  const fields = [['program', $('program').value]];
  if (state.mode !== 'gradients') fields.push(['mode', state.mode]);
  if ($('check-answer').value) fields.push(['check', $('check-answer').value]);
  if (state.wrtList.length > 1 && $('check-answer').value && $('check-wrt').value)
    fields.push(['wrt', $('check-wrt').value]);
  if (state.backward) fields.push(['backward', '1']);
  const hash = '#' + fields.map(([k, v]) => k + '=' + encodeURIComponent(v)).join('&');
  state.savedHash = hash;
  if (hash !== location.hash) history.replaceState(null, '', hash);
}

function restoreState() {
  const s = readState();
  const program = s.program !== undefined ? s.program : ND_EXAMPLES[0].text;
  $('program').value = program;
  $('check-answer').value = s.check || '';
  state.wantWrt = s.wrt || '';
  state.wrtList = [];         // the program's variables: known once derived
  state.backward = s.backward === '1';
  $('graph-backward').checked = state.backward;
  const ex = ND_EXAMPLES.findIndex((e) => e.text === program);
  $('examples').value = ex >= 0 ? String(ex) : '';
  selectMode(MODES.some((m) => m.id === s.mode) ? s.mode : 'gradients', false);
  editors.program.draw();
  editors.answer.draw();
  scheduleUpdate();
}

// ---- tabs, panels, buttons ------------------------------------------------------

function buildPanels() {
  const results = document.querySelector('section[aria-label="results"]');
  for (const mode of MODES) {
    const tab = document.createElement('button');
    tab.className = 'tab';
    tab.id = 'tab-' + mode.id;
    tab.textContent = mode.label;
    tab.setAttribute('role', 'tab');
    tab.dataset.mode = mode.id;
    tab.addEventListener('click', () => selectMode(mode.id, true));
    $('tabs').append(tab);
    if (document.querySelector(`.panel[data-mode="${mode.id}"]`)) continue;
    const panel = document.createElement('div');
    panel.className = 'panel';
    panel.dataset.mode = mode.id;
    panel.setAttribute('role', 'tabpanel');
    if (mode.kind === 'math') {
      const math = document.createElement('div');
      math.id = mode.id + '-latex';
      math.className = 'math';
      panel.append(math);
    }
    if (mode.kind !== 'verify') {
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.innerHTML = `<span>${mode.kind === 'math' ? 'Text' : mode.label}</span>` +
        `<button class="copy" data-copy="${mode.id}-output">Copy</button>`;
      panel.append(bar);
    }
    const pre = document.createElement('pre');
    pre.id = mode.id + '-output';
    pre.className = 'code';
    panel.append(pre);
    results.append(panel);
  }
}

function selectMode(id, update) {
  state.mode = id;
  for (const t of document.querySelectorAll('.tab'))
    t.setAttribute('aria-selected', String(t.dataset.mode === id));
  for (const p of document.querySelectorAll('.panel')) p.hidden = p.dataset.mode !== id;
  if (id === 'graph') loadViz().catch(() => {});
  if (update) scheduleUpdate();
}

async function copyFrom(id, button) {
  const text = $(id).textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    // no clipboard API (an old browser, or a page that is not a secure
    // context): copy through a selection
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = 'Copy'; }, 1200);
}

function setStatus(text, cls) {
  $('status').textContent = text;
  $('status').className = cls || '';
}

function init() {
  buildPanels();
  editors.program = makeEditor($('program'), 8, 24);
  editors.answer = makeEditor($('check-answer'), 2, 12);
  ND_EXAMPLES.forEach((ex, i) => $('examples').append(new Option(ex.name, String(i))));
  $('examples').addEventListener('change', (e) => {
    if (e.target.value === '') return;
    $('program').value = ND_EXAMPLES[Number(e.target.value)].text;
    editors.program.draw();
    scheduleUpdate();
  });
  $('program').addEventListener('input', () => {
    const ex = ND_EXAMPLES.findIndex((e) => e.text === $('program').value);
    $('examples').value = ex >= 0 ? String(ex) : '';
    scheduleUpdate();
  });
  $('check-answer').addEventListener('input', scheduleUpdate);
  $('check-wrt').addEventListener('change', scheduleUpdate);
  $('graph-backward').addEventListener('change', (e) => {
    state.backward = e.target.checked;
    scheduleUpdate();
  });
  $('diagnostics').addEventListener('click', () => {
    const line = Number($('program').dataset.errorLine);
    if (line) editors.program.focus(line, Number($('program').dataset.errorColumn));
  });
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button.copy');
    if (b) copyFrom(b.dataset.copy, b);
  });
  // Tab in the editor indents instead of leaving it.
  $('program').addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
    e.preventDefault();
    document.execCommand('insertText', false, '    ');
  });
  // A link pasted into the address bar, or the history: the page follows.
  window.addEventListener('hashchange', () => {
    if (location.hash !== state.savedHash) restoreState();
  });
  startEngine();
  restoreState();
}

init();
