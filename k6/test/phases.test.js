// Smoke test of the phase scripts under stubbed k6 modules (harness.js): options as in the plan,
// the request mix, Zipf skew, pacing, the TPS-at-target window, click accounting, the summary.
import test from 'node:test';
import assert from 'node:assert/strict';
import { codesFile, exec, fakeServer, installGlobals, state, total } from './harness.js';

const BASE = 'http://shortlink.test:8080';
installGlobals({ BASE_URL: `${BASE}/`, CODES_FILE: codesFile(1000), SUMMARY_FILE: 'build/k6/phase2-summary.json' });

const phases = {
  phase1: await import('../stress-phase1.js'),
  phase2: await import('../stress-phase2.js'),
  phase3: await import('../stress-phase3.js'),
  phase4: await import('../stress-phase4-final.js'),
};

test('the options are the plan\'s (plan.ko.md)', () => {
  const st = (o) => o.stages.map((s) => `${s.duration}->${s.target}`).join(' ');
  assert.equal(st(phases.phase1.options), '2m->100 5m->200 2m->0');
  assert.equal(st(phases.phase2.options), '2m->200 5m->500 2m->0');
  assert.equal(st(phases.phase3.options), '2m->500 5m->1000 2m->0');
  assert.equal(st(phases.phase4.options), '2m->1000 5m->2000 10m->2000 2m->0');
  assert.deepEqual(phases.phase1.options.thresholds, { http_req_duration: ['p(95)<100'], http_req_failed: ['rate<0.05'] });
  assert.deepEqual(phases.phase2.options.thresholds, { http_req_duration: ['p(95)<50'], http_req_failed: ['rate<0.01'] });
  assert.deepEqual(phases.phase3.options.thresholds, { http_req_duration: ['p(95)<30'], http_req_failed: ['rate<0.005'] });
  assert.deepEqual(phases.phase4.options.thresholds, { http_req_duration: ['p(95)<30', 'p(99)<50'], http_req_failed: ['rate<0.001'] });
  for (const p of Object.values(phases)) {
    for (const name of ['default', 'setup', 'teardown', 'handleSummary']) assert.equal(typeof p[name], 'function', name);
  }
});

test('codes are read once, shared, skipping comments and blank lines', () => {
  assert.equal(state.sharedArrays['shortlink codes'], 1);
  assert.equal(state.sharedArrays['shortlink zipf cdf s=1'], 1);
  assert.match(state.opened, /codes\.txt$/);
});

test('phase 2: mix, Zipf skew, pacing at 7.2 req/s per VU, window, accounting, summary', () => {
  const server = fakeServer(BASE);
  const p = phases.phase2;
  const data = p.setup();
  assert.deepEqual(data, { clicksBefore: 0 });
  state.requests.length = 0;
  state.sleeps.length = 0;

  // the scenario started 6m30s ago: the first ~30 s of requests fall in the window (6m00s-7m00s)
  exec.scenario.startTime = state.now - 390 * 1000;
  exec.vu.idInTest = 3;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    exec.vu.iterationInInstance = i;
    p.default(data);
  }

  const by = (re) => state.requests.filter((r) => re.test(`${r.method} ${r.url}`)).length;
  const redirects = by(/^GET http:\/\/shortlink\.test:8080\/c\d{4}$/);
  const metadata = by(/^GET .*\/api\/v1\/links\/c\d{4}$/);
  const stats = by(/^GET .*\/api\/v1\/links\/c\d{4}\/stats$/);
  const creates = by(/^POST .*\/api\/v1\/links$/);
  assert.equal(redirects + metadata + stats + creates, n);
  const near = (x, share, tol) => assert.ok(Math.abs(x / n - share) < tol, `${x / n} vs ${share}`);
  near(redirects, 0.90, 0.01);
  near(metadata, 0.04, 0.006);
  near(stats, 0.04, 0.006);
  near(creates, 0.02, 0.004);

  // every answer as expected, none counted as unexpected
  assert.ok(state.checks.every((c) => c.ok), 'a check failed');
  for (const k of ['redirect', 'metadata', 'stats', 'create']) assert.equal(total(`unexpected_${k}`), 0, k);
  assert.equal(total('reqs_redirect'), redirects);
  assert.equal(total('redirects_302'), redirects);
  const tags = state.requests.find((r) => r.url.endsWith('/stats') && r.method === 'GET').params.tags;
  assert.deepEqual(tags, { name: 'GET /api/v1/links/{code}/stats', kind: 'stats' });

  // Zipf s=1 over 1000 codes: rank 1 gets 1/H(1000) = 13.4 % of the code draws
  const codeReqs = state.requests.filter((r) => r.method === 'GET' && /\/c\d{4}(\/stats)?$/.test(r.url));
  const top = codeReqs.filter((r) => /\/c0000(\/stats)?$/.test(r.url)).length / codeReqs.length;
  assert.ok(Math.abs(top - 0.1336) < 0.012, `top share ${top}`);

  // pacing: the fake clock doesn't move during a request, so every pause is 1/7.2 s
  assert.equal(state.sleeps.length, n);
  assert.ok(state.sleeps.every((s) => Math.abs(s - 1 / 7.2) < 1e-9));

  // requests completed in 6m30s-7m00s at 7.2/s: 216
  assert.ok(Math.abs(total('reqs_at_target') - 216) <= 1, `reqs_at_target ${total('reqs_at_target')}`);
  const elapsed = state.metrics.at_target_elapsed_s.samples.map((s) => s.value);
  assert.ok(Math.min(...elapsed) >= 390 && Math.max(...elapsed) < 420);

  // teardown waits for the click total to settle, then records the delta
  state.sleeps.length = 0;
  p.teardown(data);
  assert.equal(total('clicks_recorded'), server.clicks);
  assert.ok(state.sleeps.length >= 10 && state.sleeps.length <= 12, `teardown polled ${state.sleeps.length} times`);

  const summary = p.handleSummary({
    state: { testRunDurationMs: 540000 },
    metrics: {
      http_reqs: { values: { count: n, rate: n / 540 } },
      http_req_duration: { values: { med: 1, 'p(95)': 2, 'p(99)': 3, 'p(99.9)': 4, max: 5 }, thresholds: { 'p(95)<50': { ok: true } } },
      http_req_failed: { values: { rate: 0, passes: 0, fails: n }, thresholds: { 'rate<0.01': { ok: true } } },
      redirects_302: { values: { count: total('redirects_302') } },
      reqs_at_target: { values: { count: 216 * 2 } },
      at_target_elapsed_s: { values: { max: 419.9 } },
      clicks_recorded: { values: { count: total('clicks_recorded') } },
    },
  });
  assert.match(summary.stdout, /phase2 \(Phase 2: Redis caching\): target 3,000 TPS at 500 VUs/);
  assert.match(summary.stdout, /7\.20 req\/s per VU/);
  assert.match(summary.stdout, /TPS at target {6}7\.2 req\/s {2}\(432 requests in 1m00s: the last 1m00s of stage 2/);
  assert.match(summary.stdout, /lost 0, duplicated 0/);
  assert.ok(summary['build/k6/phase2-summary.json']);
});

test('phase 4 paces at 6 req/s per VU and reads TPS over the 10-minute hold', () => {
  fakeServer(BASE);
  state.sleeps.length = 0;
  const before = total('reqs_at_target');
  exec.scenario.startTime = state.now - 900 * 1000; // inside 7m00s-17m00s
  phases.phase4.default({ clicksBefore: null });
  assert.ok(Math.abs(state.sleeps[0] - 1 / 6) < 1e-9);
  assert.equal(total('reqs_at_target'), before + 1);
  exec.scenario.startTime = state.now - 1030 * 1000; // ramp-down: outside
  phases.phase4.default({ clicksBefore: null });
  assert.equal(total('reqs_at_target'), before + 1);
});
