// worker.js: the engine's side of the playground, in a Web Worker.
// The build appends the engine (emscripten's createNnderive) to this file
// and the page starts the whole as a Blob worker (web/pack.js).
//
// Messages in:  { id, program, what, wrt, answer }   what: "ND_TEXT,verify,..."
// Messages out: { ready, version, ms } once the engine is up,
//               { id, result, ms } with glue.c's JSON parsed, or
//               { id, crash } when the engine trapped (it is started again).
'use strict';

let engine = null;          // the instantiated module, or a promise of it
let run = null;

function start() {
  const t0 = performance.now();
  engine = createNnderive({
    print: () => {},
    printErr: () => {},
  }).then((m) => {
    engine = m;
    run = (program, what, wrt, answer) => call(m, program, what, wrt, answer);
    const version = m.UTF8ToString(m._ndw_version());
    postMessage({ ready: true, version, ms: performance.now() - t0 });
    return m;
  });
  return engine;
}

// Copies a JS string into the module's heap as UTF-8 (malloc'd: a program
// may be larger than the stack ccall would use).
function cString(m, s) {
  const n = m.lengthBytesUTF8(s) + 1;
  const p = m._malloc(n);
  m.stringToUTF8(s, p, n);
  return p;
}

function call(m, program, what, wrt, answer) {
  const args = [program, what, wrt || '', answer || ''].map((s) => cString(m, s));
  try {
    const out = m._ndw_run(...args);
    const text = m.UTF8ToString(out);
    m._ndw_free(out);
    return JSON.parse(text);
  } finally {
    for (const p of args) m._free(p);
  }
}

onmessage = async (e) => {
  const req = e.data;
  if (!run) await engine;
  const t0 = performance.now();
  try {
    const result = run(req.program, req.what, req.wrt, req.answer);
    postMessage({ id: req.id, result, ms: performance.now() - t0 });
  } catch (err) {
    // A trap (the stack or memory exhausted, an abort) leaves the module's
    // state unknown: the next request gets a fresh instance.
    run = null;
    start();
    postMessage({ id: req.id, crash: String(err && err.message || err), ms: performance.now() - t0 });
  }
};

// The engine's code comes after this file in the same script: start once
// the whole script has run.
Promise.resolve().then(start);
