// Node tests of the k6/lib modules that have no k6 imports: node --test k6/test/ (scripts/check-k6).
import test from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEED, mulberry32, sampleIndex, zipfCdf } from '../lib/random.js';
import { durationSeconds, formatSeconds, measuredWindow } from '../lib/window.js';
import { figures, makeHandleSummary, thousands } from '../lib/summary.js';

const harmonic = (n) => { let h = 0; for (let k = 1; k <= n; k++) h += 1 / k; return h; };

test('mulberry32 is deterministic, in [0, 1), and seeds differ', () => {
  const a = mulberry32(DEFAULT_SEED ^ 1);
  const b = mulberry32(DEFAULT_SEED ^ 1);
  const c = mulberry32(DEFAULT_SEED ^ 2);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => c()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('zipfCdf(n, 1) is the normalised harmonic series', () => {
  const n = 1000;
  const cdf = zipfCdf(n, 1);
  assert.equal(cdf.length, n);
  assert.equal(cdf[n - 1], 1);
  assert.ok(Math.abs(cdf[0] - 1 / harmonic(n)) < 1e-12);
  for (let i = 1; i < n; i++) assert.ok(cdf[i] > cdf[i - 1]);
  assert.deepEqual(zipfCdf(1, 1), [1]);
  assert.throws(() => zipfCdf(0, 1));
});

test('sampleIndex finds the bucket, and Zipf s=1 sampling matches 1/(k H_n)', () => {
  const cdf = zipfCdf(1000, 1);
  assert.equal(sampleIndex(cdf, 0), 0);
  assert.equal(sampleIndex(cdf, cdf[0] - 1e-12), 0);
  assert.equal(sampleIndex(cdf, cdf[0]), 1);
  assert.equal(sampleIndex(cdf, 0.9999999999), 999);
  const rng = mulberry32(7);
  const hits = new Array(1000).fill(0);
  const draws = 200000;
  for (let i = 0; i < draws; i++) hits[sampleIndex(cdf, rng())]++;
  const h = harmonic(1000);
  for (const k of [1, 2, 10]) {
    const expected = 1 / (k * h);
    assert.ok(Math.abs(hits[k - 1] / draws - expected) < 0.01 * expected + 0.002, `rank ${k}: ${hits[k - 1] / draws} vs ${expected}`);
  }
});

test('durationSeconds parses k6 durations', () => {
  assert.equal(durationSeconds('2m'), 120);
  assert.equal(durationSeconds('10m'), 600);
  assert.equal(durationSeconds('1m30s'), 90);
  assert.equal(durationSeconds('500ms'), 0.5);
  assert.equal(durationSeconds('1h'), 3600);
  assert.equal(durationSeconds(1500), 1.5);
  assert.throws(() => durationSeconds('2 minutes'));
  assert.throws(() => durationSeconds(''));
  assert.equal(formatSeconds(420), '7m00s');
  assert.equal(formatSeconds(60), '1m00s');
  assert.equal(formatSeconds(59.5), '59.5s');
});

test('measuredWindow: last 60 s of the ramp to target (phases 1-3), the hold (phase 4)', () => {
  const p1 = measuredWindow([{ duration: '2m', target: 100 }, { duration: '5m', target: 200 }, { duration: '2m', target: 0 }]);
  assert.deepEqual([p1.targetVus, p1.startS, p1.endS], [200, 360, 420]);
  assert.match(p1.label, /last 1m00s of stage 2/);
  const p3 = measuredWindow([{ duration: '2m', target: 500 }, { duration: '5m', target: 1000 }, { duration: '2m', target: 0 }]);
  assert.deepEqual([p3.targetVus, p3.startS, p3.endS], [1000, 360, 420]);
  const p4 = measuredWindow([{ duration: '2m', target: 1000 }, { duration: '5m', target: 2000 },
    { duration: '10m', target: 2000 }, { duration: '2m', target: 0 }]);
  assert.deepEqual([p4.targetVus, p4.startS, p4.endS], [2000, 420, 1020]);
  assert.match(p4.label, /10m00s hold at 2000 VUs \(stage 3, 7m00s-17m00s\)/);
  const short = measuredWindow([{ duration: '30s', target: 10 }]);
  assert.deepEqual([short.startS, short.endS], [0, 30]);
});

test('thousands', () => {
  assert.equal(thousands(0), '0');
  assert.equal(thousands(999), '999');
  assert.equal(thousands(1000), '1,000');
  assert.equal(thousands(1234567.8), '1,234,568');
});

/** A k6-shaped summary object. */
function summaryData({ reqsAtTarget, lastInWindow, p99 = 12, failedOk = true, clicks = 900 }) {
  const data = {
    root_group: { name: '', checks: [{ name: 'redirect: status 302', passes: 899, fails: 1 }], groups: [] },
    state: { testRunDurationMs: 540000 },
    metrics: {
      http_reqs: { type: 'counter', values: { count: 1000, rate: 1000 / 540 } },
      http_req_duration: {
        type: 'trend', contains: 'time',
        values: { avg: 3, min: 1, med: 2, max: 90, 'p(90)': 5, 'p(95)': 8, 'p(99)': p99, 'p(99.9)': 40 },
        thresholds: { 'p(95)<100': { ok: true } },
      },
      http_req_failed: { type: 'rate', values: { rate: 0.001, passes: 1, fails: 999 }, thresholds: { 'rate<0.05': { ok: failedOk } } },
      redirects_302: { type: 'counter', values: { count: 899, rate: 899 / 540 } },
      reqs_redirect: { type: 'counter', values: { count: 900, rate: 1 } },
      unexpected_redirect: { type: 'counter', values: { count: 1, rate: 0 } },
      reqs_create: { type: 'counter', values: { count: 20, rate: 0 } },
      clicks_recorded: { type: 'counter', values: { count: clicks, rate: 1 } },
    },
  };
  if (reqsAtTarget !== undefined) {
    data.metrics.reqs_at_target = { type: 'counter', values: { count: reqsAtTarget, rate: 1 } };
    data.metrics.at_target_elapsed_s = { type: 'gauge', values: { value: lastInWindow, min: 360, max: lastInWindow } };
  }
  return data;
}

const info = {
  name: 'phase3', title: 'Phase 3', targetTps: 5000, targetVus: 1000, ratePerVu: 6, pacing: true,
  window: measuredWindow([{ duration: '2m', target: 500 }, { duration: '5m', target: 1000 }, { duration: '2m', target: 0 }]),
  p99Ms: 50, clicksLostMax: 0.001, kinds: ['redirect', 'metadata', 'stats', 'create'],
};

test('figures: TPS at target is count / window, not the whole-run rate', () => {
  const f = figures(summaryData({ reqsAtTarget: 330000, lastInWindow: 419.9 }), info);
  assert.equal(f.windowSeconds, 60);
  assert.equal(f.tpsAtTarget, 5500);
  assert.equal(f.criteria[0].verdict, 'PASS');
  assert.ok(Math.abs(f.tpsWholeRun - 1000 / 540) < 1e-9);
  assert.equal(f.durationMs['p(99)'], 12);
  assert.equal(f.failedCount, 1);
  assert.equal(f.redirects302, 899);
  assert.equal(f.clicksLost, 0);
  assert.equal(f.clicksDuplicated, 1);
  assert.deepEqual(f.kinds.redirect, { sent: 900, unexpected: 1 });
  assert.deepEqual(f.kinds.metadata, { sent: 0, unexpected: 0 });
  assert.equal(f.thresholdsOk, true);
  assert.deepEqual(f.criteria.map((c) => c.verdict), ['PASS', 'PASS', 'PASS']);
});

test('figures: a run stopped inside the window divides by the part it covered', () => {
  const f = figures(summaryData({ reqsAtTarget: 30000, lastInWindow: 380 }), info);
  assert.equal(f.windowSeconds, 20);
  assert.equal(f.tpsAtTarget, 1500);
  assert.equal(f.criteria[0].verdict, 'FAIL');
});

test('figures: no request in the window, failed threshold, P99 and click loss criteria', () => {
  const f = figures(summaryData({ p99: 70, failedOk: false, clicks: 800 }), info);
  assert.equal(f.tpsAtTarget, null);
  assert.equal(f.criteria[0].verdict, 'n/a');
  assert.equal(f.thresholdsOk, false);
  assert.equal(f.criteria[1].verdict, 'FAIL'); // P99 70 ms
  assert.equal(f.criteria[2].verdict, 'FAIL'); // 99 of 899 clicks lost
  assert.equal(f.clicksLost, 99);
});

test('handleSummary prints the key figures and writes SUMMARY_FILE', () => {
  const hs = makeHandleSummary({ ...info, summaryFile: 'build/k6/phase3-summary.json' });
  const out = hs(summaryData({ reqsAtTarget: 330000, lastInWindow: 420 }));
  assert.deepEqual(Object.keys(out).sort(), ['build/k6/phase3-summary.json', 'stdout']);
  const text = out.stdout;
  for (const want of [
    'TPS at target      5500.0 req/s', '330,000 requests in 1m00s', 'TPS whole run      1.9 req/s',
    'p95 8.00 ms', 'p99 12.00 ms', 'p99.9 40.00 ms', 'max 90.00 ms', 'http_req_failed    0.100% (1 requests)',
    'redirects 302      899', 'lost 0, duplicated 1', 'PASS  http_req_duration  p(95)<100',
    'PASS  http_req_failed    rate<0.05', 'PASS  TPS >= 5,000', 'PASS  P99 < 50 ms', '=> thresholds PASS',
    'redirect: status 302', 'redirect         900 / 1',
  ]) assert.ok(text.includes(want), `missing '${want}' in:\n${text}`);
  const json = JSON.parse(out['build/k6/phase3-summary.json']);
  assert.equal(json.shortlink.figures.tpsAtTarget, 5500);
  assert.equal(json.metrics.http_reqs.values.count, 1000);
  assert.equal(makeHandleSummary(info)(summaryData({})).stdout.includes('set SUMMARY_FILE'), true);
});
