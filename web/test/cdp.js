// cdp.js: a small client of the Chrome DevTools protocol over
// --remote-debugging-pipe (file descriptors 3 and 4, messages ended by NUL),
// so that the browser test needs no npm package and no WebSocket: Debian's
// chromium and node are enough.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

class Browser {
  // Starts headless Chromium; `binary` is its path.
  static async launch(binary, extraArgs = []) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nnderive-chromium-'));
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--no-default-browser-check', '--disable-extensions', '--mute-audio',
      '--remote-debugging-pipe', `--user-data-dir=${profile}`, ...extraArgs, 'about:blank'];
    const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const b = new Browser(proc, profile);
    await b.send('Target.setDiscoverTargets', { discover: true });
    return b;
  }

  constructor(proc, profile) {
    this.proc = proc;
    this.profile = profile;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.stderr = '';
    this.exited = false;
    let buf = '';
    proc.stdio[4].setEncoding('utf8');
    proc.stdio[4].on('data', (chunk) => {
      buf += chunk;
      let end;
      while ((end = buf.indexOf('\0')) >= 0) {
        this.dispatch(JSON.parse(buf.slice(0, end)));
        buf = buf.slice(end + 1);
      }
    });
    proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    proc.on('exit', () => {
      this.exited = true;
      for (const { reject } of this.pending.values())
        reject(new Error('chromium exited: ' + this.stderr.slice(-500)));
      this.pending.clear();
    });
  }

  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    for (const l of this.listeners.slice()) l(msg);
  }

  send(method, params = {}, sessionId) {
    if (this.exited) return Promise.reject(new Error('chromium has exited'));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.proc.stdio[3].write(JSON.stringify(msg) + '\0');
    });
  }

  // The next event named `method` (of this session) that satisfies `pred`.
  waitEvent(method, sessionId, pred = () => true, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${method}`)); }, timeoutMs);
      const l = (msg) => {
        if (msg.method === method && msg.sessionId === sessionId && pred(msg.params)) {
          done();
          resolve(msg.params);
        }
      };
      const done = () => { clearTimeout(timer); this.listeners = this.listeners.filter((x) => x !== l); };
      this.listeners.push(l);
    });
  }

  async newPage(width = 1280, height = 900) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Emulation.setDeviceMetricsOverride',
      { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  async close() {
    if (!this.exited) {
      const gone = new Promise((r) => this.proc.once('exit', r));
      this.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.console = [];      // console messages and uncaught exceptions, for failures
    browser.listeners.push((msg) => {
      if (msg.sessionId !== sessionId) return;
      if (msg.method === 'Runtime.consoleAPICalled')
        this.console.push(`${msg.params.type}: ` +
          msg.params.args.map((a) => a.value !== undefined ? a.value : a.description).join(' '));
      else if (msg.method === 'Runtime.exceptionThrown')
        this.console.push('exception: ' + (msg.params.exceptionDetails.exception?.description ||
          msg.params.exceptionDetails.text));
    });
  }

  send(method, params) { return this.browser.send(method, params, this.sessionId); }

  async navigate(url) {
    const loaded = this.browser.waitEvent('Page.loadEventFired', this.sessionId);
    const r = await this.send('Page.navigate', { url });
    if (r.errorText) throw new Error(`navigate ${url}: ${r.errorText}`);
    await loaded;
  }

  // The value of a JavaScript expression in the page (promises awaited).
  async eval(expression) {
    const r = await this.send('Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails)
      throw new Error(`in page: ${expression}: ` +
        (r.exceptionDetails.exception?.description || r.exceptionDetails.text));
    return r.result.value;
  }

  // Polls the expression until it is truthy; returns its value.
  async waitFor(expression, timeoutMs = 10000, what = expression) {
    const start = Date.now();
    for (;;) {
      const v = await this.eval(expression);
      if (v) return v;
      if (Date.now() - start > timeoutMs)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n` +
          this.console.slice(-10).join('\n'));
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // Focuses an element and types text into it one character at a time, as
  // a keyboard would (Enter for a newline); `replace` selects all first.
  async type(selector, text, replace = true) {
    await this.eval(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
      e.focus(); if (${replace}) e.select(); return true; })()`);
    if (replace && text === '') await this.key('Backspace', 8);
    for (const ch of text) {
      if (ch === '\n') await this.key('Enter', 13, '\r');
      else await this.send('Input.insertText', { text: ch });
    }
  }

  async key(key, code, text) {
    const base = { key, code: key, windowsVirtualKeyCode: code, nativeVirtualKeyCode: code };
    await this.send('Input.dispatchKeyEvent', { type: text ? 'keyDown' : 'rawKeyDown', ...base, text });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  async click(selector) {
    const box = await this.eval(`(() => { const r = document.querySelector(${JSON.stringify(selector)})
      .getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
    for (const type of ['mousePressed', 'mouseReleased'])
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
  }

  async screenshot(file) {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
  }
}

module.exports = { Browser, Page };
