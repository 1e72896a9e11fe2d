// check_web.js: the playground in Debian's headless Chromium (make check-web).
// Opens build/web/index.html from a file URL, as a user who downloaded the
// page would, types into it as a keyboard does, and checks what the issue
// asks; then serves the same folder on 127.0.0.1 as a static host would.
// Screenshots go to build/web/screenshots/.
//   ND_WEB=build/web CHROMIUM=/usr/bin/chromium node --test web/test/check_web.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Browser } = require('./cdp.js');

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.resolve(process.env.ND_WEB || path.join(ROOT, 'build', 'web'));
const CHROMIUM = process.env.CHROMIUM || 'chromium';
const SHOTS = path.join(WEB, 'screenshots');
const example = (name) => fs.readFileSync(path.join(ROOT, 'examples', name + '.nd'), 'utf8');
const pageURL = (hash = '') => pathToFileURL(path.join(WEB, 'index.html')).href + hash;
const enc = encodeURIComponent;

let browser;
let page;
const requests = [];        // every URL the page asked for

before(async () => {
  browser = await Browser.launch(CHROMIUM);
  page = await browser.newPage(1280, 820);
  await page.send('Network.enable');
  browser.listeners.push((m) => {
    if (m.method === 'Network.requestWillBeSent' && m.sessionId === page.sessionId)
      requests.push(m.params.request.url);
  });
  await page.navigate(pageURL());
  await settled();
});

after(async () => {
  if (browser) await browser.close();
});

// Waits until the page has derived everything typed and shows it.
async function settled(what = 'the page to settle') {
  await page.waitFor('window.ndPlayground && ndPlayground.ready && ndPlayground.idle() && ' +
    'ndPlayground.rendered !== null', 20000, what);
  return page.eval('ndPlayground.rendered');
}

const text = (id) => page.eval(`document.getElementById(${JSON.stringify(id)}).textContent`);
const value = (id) => page.eval(`document.getElementById(${JSON.stringify(id)}).value`);

async function selectTab(mode) {
  await page.click('#tab-' + mode);
  const r = await settled('the ' + mode + ' tab');
  assert.equal(r.mode, mode);
  return r;
}

// Clears the editor and types the program key by key.
async function typeProgram(program) {
  await page.type('#program', program);
  const r = await settled();
  assert.equal(r.program, program, 'the page derived what was typed');
  assert.equal(await value('program'), program);
  return r;
}

// The marks of an editor: [{ cls, line, column, text }].
function marks(textareaId) {
  return page.eval(`[...document.getElementById(${JSON.stringify(textareaId)}).parentElement
    .querySelectorAll('.editor-back mark')].map((m) => ({ cls: m.className,
      line: Number(m.dataset.line), column: Number(m.dataset.column), text: m.textContent,
      row: [...m.closest('.editor-back').children].indexOf(m.parentElement) + 1 }))`);
}

test('loads from a file URL: the engine starts, the first example is derived, nothing is fetched from the network', async () => {
  const stats = await page.eval('ndPlayground.stats');
  assert.ok(stats.firstRenderMs > 0, 'a first result was shown');
  console.log(`# engine ready at ${stats.engineReadyMs.toFixed(0)} ms, first result at ` +
    `${stats.firstRenderMs.toFixed(0)} ms after navigation`);
  assert.match(await text('text-output'), /dL\/dW = W\*\(r\*x' \+ x\*r'\)/);
  assert.match(await text('version'), /^nnderive \d/);
  const outside = requests.filter((u) => !/^(file|blob|data):/.test(u));
  assert.deepEqual(outside, [], 'every resource comes from the page\'s folder');
  const options = await page.eval('[...document.querySelectorAll("#examples option")].map((o) => o.textContent)');
  for (const name of ['autoencoder', 'autoencoder_tanh', 'two_layer_swish', 'two_layer_swish_batch'])
    assert.ok(options.includes(name), 'the examples menu has ' + name);
});

test('typing the autoencoder: the gradient in text and KaTeX, with the terms of both paths', async () => {
  await selectTab('gradients');
  await typeProgram(example('autoencoder'));
  const out = await text('text-output');
  assert.match(out, /^r = W'\*W\*x - x$/m);
  assert.match(out, /^dL\/dW = W\*\(r\*x' \+ x\*r'\)$/m);
  const tex = await page.eval(`[...document.querySelectorAll('#latex-output annotation')]
    .map((a) => a.textContent).join('\\n')`);
  assert.match(tex, /\\frac\{\\partial L\}\{\\partial W\} &= W \\left\(r x\^\\top \+ x r\^\\top\\right\)/);
  const shown = await page.eval('document.querySelector("#latex-output .katex-html").textContent');
  assert.ok(shown.includes('W') && shown.includes('∂L'), 'KaTeX drew the gradient: ' + shown);
  await page.screenshot(path.join(SHOTS, 'gradients.png'));

  await selectTab('paths');
  const paths = await text('paths-output');
  assert.match(paths, /^dL\/dW via W' at 5:5 = W\*x\*r'$/m, 'the path through W\'');
  assert.match(paths, /^dL\/dW via W at 5:8 = W\*r\*x'$/m, 'the path through W');
  assert.ok(await page.eval('!!document.querySelector("#paths-latex .katex")'));
  await page.screenshot(path.join(SHOTS, 'paths.png'));
});

test('the copy button copies the text form', async () => {
  await selectTab('gradients');
  await page.click('button[data-copy="text-output"]');
  await page.waitFor('document.querySelector(\'button[data-copy="text-output"]\').textContent === "Copied"',
    5000, 'the button to say Copied');
});

test('check my answer: a wrong answer gets its diagnosis, marked in the program or the answer; a right one is equivalent', async () => {
  await selectTab('gradients');
  await typeProgram(example('autoencoder'));
  await page.type('#check-answer', "W*(W'*W*x - x)*x'");
  let r = await settled();
  assert.equal(r.answer, "W*(W'*W*x - x)*x'");
  assert.equal(r.status, 1);
  assert.equal(await page.eval('document.getElementById("check-wrt-label").hidden'), true,
    'one variable: nothing to choose');
  const verdict = await text('check-result');
  assert.match(verdict, /dL\/dW: not equivalent: missing the contribution through W' at 5:5: W is used twice and the answer follows only W at 5:8/);
  assert.equal(await page.eval('document.querySelector("#check-result .verdict").dataset.kind'), 'missing-use');
  assert.deepEqual((await marks('program')).map((m) => [m.cls, m.line, m.column, m.text]),
    [['hint', 5, 5, 'W']], 'the use the answer left out is marked');
  await page.screenshot(path.join(SHOTS, 'check.png'));

  // a shape error in the answer: marked in the answer box
  await page.type('#check-answer', "W*(W'*W*x - x)*x");
  await settled();
  assert.match(await text('check-result'), /shape mismatch in '\*' at 1:15.*did you mean x' in place of x at 1:16/);
  const inAnswer = await marks('check-answer');
  assert.ok(inAnswer.some((m) => m.line === 1 && m.column === 16 && m.text === 'x'), JSON.stringify(inAnswer));

  await page.type('#check-answer', "W*(r*x' + x*r')");
  r = await settled();
  assert.equal(r.status, 0);
  assert.match(await text('check-result'), /^dL\/dW: equivalent$/);
  assert.equal(await page.eval('document.getElementById("check-result").className'), 'good');

  // an answer that does not parse: its message, its place in the answer box
  await page.type('#check-answer', 'W*(r*x');
  await settled();
  assert.match(await text('check-result'), /<check>:1:7: error/);
  assert.deepEqual((await marks('check-answer')).map((m) => [m.cls, m.line, m.column]),
    [['hint', 1, 3], ['error', 1, 7]], 'the unclosed parenthesis and the end of the answer');
  assert.match(await text('text-output'), /dL\/dW = /, 'the gradients stay while the answer is wrong');

  // lines of a file, steps of the chain rule included, on the 2-layer network
  await typeProgram(example('two_layer_swish'));
  await page.type('#check-answer', fs.readFileSync(path.join(ROOT, 'examples', 'homework', 'two_layer_steps.txt'), 'utf8'));
  r = await settled();
  const lines = await text('check-result');
  assert.match(lines, /dL\/dh1: not equivalent: shape mismatch/);
  assert.match(lines, /dL\/dz1: right given your dL\/dh1, which is wrong/);
  assert.match(lines, /3 of 7 correct \(3 more right given an earlier wrong line\); the first wrong line is dL\/dh1 \(line 6\)/);
  await page.type('#check-answer', '');
  r = await settled();
  assert.equal(await text('check-result'), '');
});

test('a syntax error marks the right line and column', async () => {
  await selectTab('gradients');
  await typeProgram('W : matrix(m, n)\nx : vector(n)\nL = sum(W*x +)\n');
  const diag = await text('diagnostics');
  assert.match(diag, /^program\.nd:3:14: error: unexpected '\)'/);
  assert.match(diag, /\n    L = sum\(W\*x \+\)\n {17}\^/, 'the caret line');
  const m = await marks('program');
  assert.deepEqual(m.map((x) => [x.cls, x.line, x.column, x.text, x.row]), [['error', 3, 14, ')', 3]]);
  assert.equal(await page.eval('document.getElementById("program").dataset.errorLine'), '3');
  assert.equal(await text('text-output'), '', 'no stale gradient stays on screen');
  await page.screenshot(path.join(SHOTS, 'syntax-error.png'));

  // a shape error: the operator's column
  await typeProgram('W : matrix(m, n)\nx : vector(m)\nL = sum(W*x)');
  assert.match(await text('diagnostics'), /^program\.nd:3:10: error: shape mismatch in '\*': W is m x n, x is m x 1/);
  assert.deepEqual((await marks('program')).map((x) => [x.line, x.column, x.text]), [[3, 10, '*']]);

  // clicking the message puts the caret there
  await page.click('#diagnostics');
  const caret = await page.eval('document.getElementById("program").selectionStart');
  assert.equal(caret, 'W : matrix(m, n)\nx : vector(m)\nL = sum(W'.length);
});

test('the graph: an SVG where the node W has two outgoing edges', async () => {
  await typeProgram(example('autoencoder'));
  await selectTab('graph');
  await page.waitFor('document.querySelector("svg#graph")', 20000, 'the SVG');
  const edges = await page.eval(`(() => {
    const svg = document.getElementById('graph');
    const node = [...svg.querySelectorAll('g.node')].find((g) => g.querySelector('text').textContent === 'W');
    const id = node.querySelector('title').textContent;
    return [...svg.querySelectorAll('g.edge title')].map((t) => t.textContent)
      .filter((t) => t.startsWith(id + '->'));
  })()`);
  assert.equal(edges.length, 2, 'W feeds the transpose and the product: ' + edges.join(', '));
  assert.match(await text('dot-output'), /^digraph nnderive \{/);
  await page.screenshot(path.join(SHOTS, 'graph.png'));

  await page.click('#graph-backward');
  await page.waitFor('document.getElementById("dot-output").textContent.includes("backward")', 10000);
  await settled();
  await page.waitFor('document.querySelector("svg#graph") && ' +
    '[...document.querySelectorAll("svg#graph text")].some((t) => t.textContent.startsWith("dL/dW"))',
  10000, 'the backward graph');
  await page.click('#graph-backward');
  await settled();
});

test('a #program= link restores the program, the tab and the answer', async () => {
  const program = example('two_layer_swish');
  const hash = `#program=${enc(program)}&mode=steps&check=${enc('softmax(z2) - y')}&wrt=b2`;
  await page.navigate('about:blank');
  await page.navigate(pageURL(hash));
  let r = await settled();
  assert.equal(await value('program'), program);
  assert.equal(r.mode, 'steps');
  assert.equal(await page.eval('document.getElementById("tab-steps").getAttribute("aria-selected")'), 'true');
  assert.match(await text('steps-output'), /^dL\/dz2 = softmax\(z2\) - y$/m);
  assert.equal(await value('check-answer'), 'softmax(z2) - y');
  assert.equal(await value('check-wrt'), 'b2');
  assert.equal(await page.eval('document.getElementById("check-wrt-label").hidden'), false,
    'a program of several variables: the answer\'s is chosen');
  assert.match(await text('check-result'), /^dL\/db2: equivalent$/);
  assert.equal(await value('examples'), String(
    await page.eval('ND_EXAMPLES.findIndex((e) => e.name === "two_layer_swish")')));

  // a link followed in the same page (the hash alone changes)
  await page.eval(`location.hash = ${JSON.stringify('#program=' + enc('L = x\'*A*x') + '&mode=explain')}`);
  r = await page.waitFor('ndPlayground.idle() && ndPlayground.rendered.mode === "explain" && ndPlayground.rendered', 10000);
  assert.equal(r.program, "L = x'*A*x");
  assert.match(await text('explain-output'), /^A : matrix\(x_rows, x_rows\)/m);

  // editing writes the state back into the URL
  await selectTab('paths');
  await page.type('#program', 'L = sum(exp(x))');
  await settled();
  const now = await page.eval('location.hash');
  assert.equal(now, '#program=' + enc('L = sum(exp(x))') + '&mode=paths');
});

test('every tab of every example, and the time from a keystroke to its result', async () => {
  await selectTab('gradients');
  const names = await page.eval('ND_EXAMPLES.map((e) => e.name)');
  for (const [i, name] of names.entries()) {
    await page.eval(`(() => { const s = document.getElementById('examples');
      s.value = '${i}'; s.dispatchEvent(new Event('change')); })()`);
    let r = await settled();
    assert.equal(r.status, 0, name);
    assert.equal(r.program, await page.eval(`ND_EXAMPLES[${i}].text`));
    assert.ok(await page.eval('!!document.querySelector("#latex-output .katex") && ' +
      '!document.querySelector("#latex-output pre")'), name + ': KaTeX typeset the gradients');
    // a keystroke at the end of the program: a space, then its result
    await page.eval(`(() => { const t = document.getElementById('program');
      t.focus(); t.setSelectionRange(t.value.length, t.value.length); })()`);
    const before = await page.eval('ndPlayground.timings.length');
    await page.send('Input.insertText', { text: ' ' });
    await settled();
    const t = await page.eval(`ndPlayground.timings.slice(${before})`);
    assert.equal(t.length, 1, 'one keystroke, one derivation');
    console.log(`# ${name}: keystroke to result ${t[0].totalMs.toFixed(1)} ms (debounce ` +
      `${t[0].waitMs.toFixed(1)}, worker ${t[0].workerMs.toFixed(1)} of which engine ` +
      `${t[0].engineMs.toFixed(1)}, rendering ${t[0].renderMs.toFixed(1)})`);
    assert.ok(t[0].totalMs < 500, `${name}: ${t[0].totalMs} ms`);
    for (const mode of ['steps', 'paths', 'c', 'verify', 'explain', 'graph']) {
      r = await selectTab(mode);
      assert.equal(r.status, 0, `${name}, ${mode}`);
    }
    assert.match(await text('steps-output'), /^dL\/d/m);
    assert.match(await text('c-output'), /double nd_f\(/);
    assert.match(await text('verify-output'), /^verified: 3 random points/m);
    assert.match(await text('explain-output'), /^# wrt: /m);
    await page.waitFor('document.querySelector("svg#graph")', 20000);
    await selectTab('gradients');
  }
});

test('a program too deep for the browser\'s stack is refused with a message, and the engine starts again', async () => {
  await selectTab('gradients');
  const deep = (d) => {
    let p = 'x0 : vector(n)\ny : vector(n)\n';
    for (let k = 1; k <= d; k++) p += `x${k} = tanh(W${k}*x${k - 1})\n`;
    return p + `L = 0.5*norm2(x${d} - y)\n`;
  };
  const set = (p) => page.eval(`(() => { const t = document.getElementById('program');
    t.value = ${JSON.stringify(p)}; t.dispatchEvent(new Event('input')); })()`);
  await set(deep(1000));
  let r = await settled();
  assert.equal(r.status, 0, 'a thousand layers work');
  assert.match(await page.eval('document.getElementById("latex-output").textContent'), /too long to typeset/);
  await set(deep(5000));
  r = await settled();
  assert.equal(r.status, 'crash');
  assert.match(await text('diagnostics'), /^The engine stopped .*too deep or too large for the browser/);
  assert.equal(await text('text-output'), '');
  await typeProgram(example('autoencoder'));
  assert.match(await text('text-output'), /dL\/dW = W\*\(r\*x' \+ x\*r'\)/);
});

test('served over HTTP on 127.0.0.1, as a static host would', async () => {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2' };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(WEB, rel);
    if (!file.startsWith(WEB + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address();
    const p = await browser.newPage(1100, 700);
    await p.navigate(`http://127.0.0.1:${port}/index.html#program=${enc(example('two_layer_swish'))}`);
    await p.waitFor('window.ndPlayground && ndPlayground.idle() && ndPlayground.rendered', 20000);
    const out = await p.eval('document.getElementById("text-output").textContent');
    assert.match(out, /^dL\/dW1 = /m);
    assert.ok(await p.eval('!!document.querySelector("#latex-output .katex")'));
    await p.send('Page.close');
  } finally {
    server.close();
  }
});

test('the README\'s screenshot', async () => {
  const p = await browser.newPage(1100, 640);
  const hash = `#program=${enc(example('autoencoder'))}&check=${enc("W*(W'*W*x - x)*x'")}`;
  await p.navigate(pageURL(hash));
  await p.waitFor('window.ndPlayground && ndPlayground.idle() && ndPlayground.rendered', 20000);
  await p.screenshot(path.join(SHOTS, 'playground.png'));
  await p.send('Page.close');
});
