// Loads a phase script in Node with the k6 built-ins replaced by ./stubs/ and a fake clock, so the
// tests can drive setup(), the default function, teardown() and handleSummary() without k6.
import { register } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { state } from './stubs/state.js';
import exec from './stubs/execution.js';

register('./k6-hooks.js', import.meta.url);

export { state, exec };

/** A codes file of n codes ('c0000', 'c0001', ...), most popular first, with a comment and blanks. */
export function codesFile(n) {
  const dir = mkdtempSync(join(tmpdir(), 'k6-codes-'));
  const path = join(dir, 'codes.txt');
  const lines = ['# rank order'];
  for (let i = 0; i < n; i++) lines.push(`c${String(i).padStart(4, '0')}`);
  writeFileSync(path, `${lines.join('\n')}\n\n`);
  return path;
}

/** Installs the k6 globals (before the script is imported: the lib reads __ENV at import). */
export function installGlobals(env) {
  globalThis.__ENV = env;
  globalThis.open = (path) => {
    state.opened = path;
    if (state.openFails) throw new Error(`open ${path}: no such file or directory`);
    return readFile(path);
  };
  Date.now = () => state.now;
}

function readFile(path) {
  return readFileSync(path, 'utf8');
}

/** A server that answers as shortlink does, and counts a click per 302. */
export function fakeServer(base) {
  const server = { clicks: 0 };
  state.handler = (method, url, body, params) => {
    if (!url.startsWith(`${base}/`)) return { status: 599 };
    const path = url.slice(base.length);
    if (method === 'GET' && path === '/api/v1/stats') return { status: 200, body: JSON.stringify({ links: 1000, clicks: server.clicks }) };
    if (method === 'POST' && path === '/api/v1/links') {
      const ct = params.headers && params.headers['Content-Type'];
      if (ct !== 'application/json') return { status: 415 };
      const { url: target } = JSON.parse(body);
      return /^https:\/\/example\.org\/k6\/\d+-\d+$/.test(target) ? { status: 201 } : { status: 400 };
    }
    if (method === 'GET' && /^\/api\/v1\/links\/c\d{4}\/stats$/.test(path)) return { status: 200 };
    if (method === 'GET' && /^\/api\/v1\/links\/c\d{4}$/.test(path)) return { status: 200 };
    if (method === 'GET' && /^\/c\d{4}$/.test(path)) {
      if (params.redirects !== 0) return { status: 200 }; // k6 would have followed the redirect
      server.clicks++;
      return { status: 302 };
    }
    return { status: 404 };
  };
  return server;
}

/** Sum of a stub metric's samples. */
export function total(name) {
  const m = state.metrics[name];
  return m ? m.samples.reduce((s, x) => s + x.value, 0) : 0;
}
