// PACING=0: the same profile without think time (own process: the lib reads __ENV at import).
import test from 'node:test';
import assert from 'node:assert/strict';
import { codesFile, exec, fakeServer, installGlobals, state } from './harness.js';

installGlobals({ CODES_FILE: codesFile(10), PACING: '0', ACCOUNT: '0' });
const p1 = await import('../stress-phase1.js');

test('PACING=0 never sleeps; ACCOUNT=0 skips the click accounting', () => {
  fakeServer('http://127.0.0.1:8080'); // the default BASE_URL
  exec.scenario.startTime = state.now;
  for (let i = 0; i < 100; i++) p1.default({ clicksBefore: null });
  assert.equal(state.sleeps.length, 0);
  assert.ok(state.checks.every((c) => c.ok));
  const data = p1.setup();
  assert.deepEqual(data, { clicksBefore: null });
  const n = state.requests.length;
  p1.teardown(data);
  assert.equal(state.requests.length, n);
  const out = p1.handleSummary({ metrics: {} });
  assert.match(out.stdout, /none \(PACING=0/);
  assert.match(out.stdout, /not accounted/);
  assert.deepEqual(Object.keys(out), ['stdout']);
});
