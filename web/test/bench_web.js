// bench_web.js: the playground's size and speed (make bench-web), printed
// as the tables of bench/RESULTS.md.
//   - size: the engine (the .wasm and its loader, one file), the rest;
//   - load: a fresh headless Chromium opens build/web/index.html from disk,
//     until the first derivation is on screen (RUNS times);
//   - per example of the menu: from a keystroke to its result on screen
//     (a space typed at the end: the derivation runs again, the LaTeX is
//     unchanged), and from choosing the example in the menu (a new program:
//     derivation and typesetting), REPS times each.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { pathToFileURL } = require('node:url');
const { Browser } = require('./cdp.js');

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.resolve(process.env.ND_WEB || path.join(ROOT, 'build', 'web'));
const ENGINE = path.resolve(process.env.ND_ENGINE || path.join(ROOT, 'build', 'wasm', 'nnderive.js'));
const CHROMIUM = process.env.CHROMIUM || 'chromium';
const RUNS = Number(process.env.RUNS || 7);
const REPS = Number(process.env.REPS || 20);
const url = pathToFileURL(path.join(WEB, 'index.html')).href;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => x.toFixed(1) + ' ms';
const kb = (n) => (n / 1024).toFixed(0) + ' KiB';

function sizes() {
  const loader = fs.readFileSync(ENGINE);
  const b64 = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(loader.toString());
  const wasm = b64 ? Buffer.from(b64[1], 'base64').length : NaN;
  const all = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== 'screenshots') walk(f); } else all.push(f);
    }
  };
  walk(WEB);
  const total = all.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log('| what | bytes | gzip |\n|---|---|---|');
  console.log(`| the engine: build/wasm/nnderive.js (loader with the .wasm inside) | ${loader.length} (${kb(loader.length)}) | ${kb(zlib.gzipSync(loader).length)} |`);
  console.log(`| of which the .wasm (decoded) | ${wasm} (${kb(wasm)}) | |`);
  const packed = fs.readFileSync(path.join(WEB, 'engine.js'));
  console.log(`| build/web/engine.js (the worker and the engine, as one string) | ${packed.length} (${kb(packed.length)}) | ${kb(zlib.gzipSync(packed).length)} |`);
  console.log(`| build/web/ in all (KaTeX, its fonts, viz-js included) | ${total} (${kb(total)}) | |`);
}

async function load() {
  const first = [];
  const ready = [];
  for (let i = 0; i < RUNS; i++) {
    const b = await Browser.launch(CHROMIUM);
    try {
      const p = await b.newPage(1280, 820);
      await p.navigate(url);
      await p.waitFor('window.ndPlayground && ndPlayground.stats.firstRenderMs', 20000);
      const s = await p.eval('ndPlayground.stats');
      first.push(s.firstRenderMs);
      ready.push(s.engineReadyMs);
    } finally {
      await b.close();
    }
  }
  console.log(`\n| from disk, a fresh browser each time (${RUNS} runs) | median | max |\n|---|---|---|`);
  console.log(`| navigation to the engine ready | ${ms(median(ready))} | ${ms(Math.max(...ready))} |`);
  console.log(`| navigation to the first gradient on screen | ${ms(median(first))} | ${ms(Math.max(...first))} |`);
}

async function keystrokes() {
  const b = await Browser.launch(CHROMIUM);
  try {
    const p = await b.newPage(1280, 820);
    await p.navigate(url);
    const idle = () => p.waitFor('ndPlayground.ready && ndPlayground.idle() && ndPlayground.rendered', 20000);
    await idle();
    const names = await p.eval('ND_EXAMPLES.map((e) => e.name)');
    console.log(`\n| example (gradients tab, ${REPS} times each) | keystroke to result: median | max | of which the engine (median) | example chosen to result: median | max |`);
    console.log('|---|---|---|---|---|---|');
    for (const [i, name] of names.entries()) {
      const key = [];
      const engine = [];
      const pick = [];
      for (let r = 0; r < REPS; r++) {
        // choose another example, then this one: a whole new program
        await p.eval(`(() => { const s = document.getElementById('examples');
          s.value = '${(i + 1) % names.length}'; s.dispatchEvent(new Event('change')); })()`);
        await idle();
        let n = await p.eval('ndPlayground.timings.length');
        await p.eval(`(() => { const s = document.getElementById('examples');
          s.value = '${i}'; s.dispatchEvent(new Event('change')); })()`);
        await idle();
        pick.push((await p.eval(`ndPlayground.timings[${n}]`)).totalMs);
        await p.eval(`(() => { const t = document.getElementById('program');
          t.focus(); t.setSelectionRange(t.value.length, t.value.length); })()`);
        n = await p.eval('ndPlayground.timings.length');
        await p.send('Input.insertText', { text: ' ' });
        await idle();
        const t = await p.eval(`ndPlayground.timings[${n}]`);
        key.push(t.totalMs);
        engine.push(t.engineMs);
      }
      console.log(`| ${name} | ${ms(median(key))} | ${ms(Math.max(...key))} | ${ms(median(engine))} | ` +
        `${ms(median(pick))} | ${ms(Math.max(...pick))} |`);
    }
    const debounce = await p.eval('DEBOUNCE_MS');
    console.log(`\n(The times from a keystroke include the ${debounce} ms debounce.)`);
  } finally {
    await b.close();
  }
}

(async () => {
  console.log(`# make bench-web: ${new Date().toISOString().slice(0, 10)}, chromium ${CHROMIUM}, node ${process.version}\n`);
  sizes();
  await load();
  await keystrokes();
})().catch((e) => { console.error(e); process.exit(1); });
