// The end-of-test summary of the phase scripts: key figures on stdout, the whole k6 summary plus
// these figures as JSON in SUMMARY_FILE. No k6 imports (Node tests it, k6/test/).
//
// Exporting handleSummary replaces k6's own end-of-test text, so everything worth reading is
// printed here; the JSON file keeps every metric k6 aggregated.

import { formatSeconds } from './window.js';

/**
 * The parts of k6's handleSummary() argument used here (k6 docs, "Custom summary").
 * @typedef {{ type?: string, contains?: string, values: Record<string, number>,
 *             thresholds?: Record<string, { ok: boolean }> }} SummaryMetric
 * @typedef {{ name: string, passes: number, fails: number }} SummaryCheck
 * @typedef {{ name?: string, checks?: SummaryCheck[], groups?: SummaryGroup[] }} SummaryGroup
 * @typedef {{ metrics: Record<string, SummaryMetric>, root_group?: SummaryGroup,
 *             state?: { testRunDurationMs?: number } }} SummaryData
 */

/**
 * What the phase script knows about itself.
 * @typedef {object} PhaseInfo
 * @property {string} name               'phase1' ... 'phase4'
 * @property {string} title              e.g. 'Phase 1: database optimisation'
 * @property {number} targetTps          the plan's TPS target
 * @property {number} targetVus          the plan's VU count (the highest stage target)
 * @property {number} ratePerVu          requests per second per VU when paced (1.2 x TPS / VUs)
 * @property {boolean} pacing            false with PACING=0
 * @property {import('./window.js').MeasuredWindow} window  where TPS at target is read
 * @property {number} [p99Ms]            a P99 success criterion that is not a k6 threshold
 * @property {number} [clicksLostMax]    a click-loss success criterion (fraction)
 * @property {string[]} [notMeasured]    success criteria k6 cannot judge
 * @property {string[]} [kinds]          request kinds, for the per-kind table
 * @property {string} [summaryFile]      where to write the JSON (SUMMARY_FILE)
 */

/**
 * @typedef {object} Figures
 * @property {string} phase
 * @property {number | null} tpsAtTarget
 * @property {number | null} reqsAtTarget
 * @property {number | null} windowSeconds  how much of the window the run covered
 * @property {string} windowLabel
 * @property {number | null} tpsWholeRun
 * @property {number | null} requests
 * @property {number | null} runSeconds
 * @property {Record<string, number | null>} durationMs  avg, med, p(90), p(95), p(99), p(99.9), max
 * @property {number | null} failedRate
 * @property {number | null} failedCount
 * @property {number | null} redirects302
 * @property {number | null} clicksRecorded
 * @property {number | null} clicksLost
 * @property {number | null} clicksDuplicated
 * @property {Record<string, { sent: number, unexpected: number }>} kinds
 * @property {{ metric: string, expr: string, ok: boolean }[]} thresholds
 * @property {{ name: string, passes: number, fails: number }[]} checks
 * @property {{ criterion: string, verdict: 'PASS' | 'FAIL' | 'n/a', detail: string }[]} criteria
 * @property {boolean} thresholdsOk
 */

/**
 * @param {SummaryData} data
 * @param {string} metric
 * @param {string} stat
 * @returns {number | null}
 */
function value(data, metric, stat) {
  const m = data.metrics[metric];
  if (!m || !m.values) return null;
  const v = m.values[stat];
  return typeof v === 'number' && isFinite(v) ? v : null;
}

/**
 * @param {SummaryGroup | undefined} group
 * @param {SummaryCheck[]} out
 * @returns {SummaryCheck[]}
 */
function collectChecks(group, out) {
  if (!group) return out;
  for (const c of group.checks || []) out.push({ name: c.name, passes: c.passes, fails: c.fails });
  for (const g of group.groups || []) collectChecks(g, out);
  return out;
}

/**
 * Derives the phase's figures from k6's summary data.
 * @param {SummaryData} data
 * @param {PhaseInfo} info
 * @returns {Figures}
 */
export function figures(data, info) {
  const win = info.window;
  const reqsAtTarget = value(data, 'reqs_at_target', 'count');
  // at_target_elapsed_s holds the scenario time of requests completed inside the window; its max
  // tells how much of the window the run covered (all of it unless the run was stopped early).
  const lastInWindow = value(data, 'at_target_elapsed_s', 'max');
  /** @type {number | null} */
  let windowSeconds = null;
  if (lastInWindow !== null) {
    windowSeconds = lastInWindow >= win.endS - 1 ? win.endS - win.startS : lastInWindow - win.startS;
  }
  const tpsAtTarget = reqsAtTarget !== null && windowSeconds !== null && windowSeconds >= 1
    ? reqsAtTarget / windowSeconds : null;

  const runMs = data.state && typeof data.state.testRunDurationMs === 'number' ? data.state.testRunDurationMs : null;
  /** @type {Record<string, number | null>} */
  const durationMs = {};
  for (const stat of ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'max']) {
    durationMs[stat] = value(data, 'http_req_duration', stat);
  }

  const failed = data.metrics.http_req_failed;
  const failedRate = value(data, 'http_req_failed', 'rate');
  const failedCount = failed && failed.values && typeof failed.values.passes === 'number'
    ? failed.values.passes : null; // for a Rate, "passes" counts the non-zero samples: the failures

  const redirects302 = value(data, 'redirects_302', 'count');
  const clicksRecorded = value(data, 'clicks_recorded', 'count');
  const r302 = redirects302 === null ? 0 : redirects302;
  const clicksLost = clicksRecorded === null ? null : Math.max(0, r302 - clicksRecorded);
  const clicksDuplicated = clicksRecorded === null ? null : Math.max(0, clicksRecorded - r302);

  /** @type {Record<string, { sent: number, unexpected: number }>} */
  const kinds = {};
  for (const k of info.kinds || []) {
    kinds[k] = {
      sent: value(data, `reqs_${k}`, 'count') || 0,
      unexpected: value(data, `unexpected_${k}`, 'count') || 0,
    };
  }

  /** @type {Figures['thresholds']} */
  const thresholds = [];
  for (const metric of Object.keys(data.metrics).sort()) {
    const th = data.metrics[metric].thresholds;
    if (!th) continue;
    for (const expr of Object.keys(th)) thresholds.push({ metric, expr, ok: th[expr].ok === true });
  }

  /** @type {Figures['criteria']} */
  const criteria = [];
  criteria.push(tpsAtTarget === null
    ? { criterion: `TPS >= ${thousands(info.targetTps)}`, verdict: 'n/a', detail: 'no request completed inside the window' }
    : {
      criterion: `TPS >= ${thousands(info.targetTps)}`,
      verdict: tpsAtTarget >= info.targetTps ? 'PASS' : 'FAIL',
      detail: `${fixed(tpsAtTarget, 1)} req/s at target`,
    });
  if (info.p99Ms !== undefined) {
    const p99 = durationMs['p(99)'];
    criteria.push(p99 === null
      ? { criterion: `P99 < ${info.p99Ms} ms`, verdict: 'n/a', detail: 'p(99) not in summaryTrendStats' }
      : { criterion: `P99 < ${info.p99Ms} ms`, verdict: p99 < info.p99Ms ? 'PASS' : 'FAIL', detail: `p99 ${fixed(p99, 2)} ms` });
  }
  if (info.clicksLostMax !== undefined) {
    const pct = `${fixed(info.clicksLostMax * 100, 1)}%`;
    if (clicksLost === null || redirects302 === null || redirects302 === 0) {
      criteria.push({ criterion: `click events lost < ${pct}`, verdict: 'n/a', detail: 'no click accounting (ACCOUNT=0 or /api/v1/stats unreadable)' });
    } else {
      const lostFrac = clicksLost / redirects302;
      criteria.push({
        criterion: `click events lost < ${pct}`,
        verdict: lostFrac < info.clicksLostMax ? 'PASS' : 'FAIL',
        detail: `${thousands(clicksLost)} of ${thousands(redirects302)} (${fixed(lostFrac * 100, 3)}%)`,
      });
    }
  }
  for (const c of info.notMeasured || []) criteria.push({ criterion: c, verdict: 'n/a', detail: 'not measured by k6' });

  return {
    phase: info.name,
    tpsAtTarget, reqsAtTarget, windowSeconds, windowLabel: win.label,
    tpsWholeRun: value(data, 'http_reqs', 'rate'),
    requests: value(data, 'http_reqs', 'count'),
    runSeconds: runMs === null ? null : runMs / 1000,
    durationMs, failedRate, failedCount,
    redirects302, clicksRecorded, clicksLost, clicksDuplicated,
    kinds, thresholds,
    checks: collectChecks(data.root_group, []),
    criteria,
    thresholdsOk: thresholds.every((t) => t.ok),
  };
}

/**
 * 1234567.8 -> '1,234,568'.
 * @param {number} n
 * @returns {string}
 */
export function thousands(n) {
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * @param {number | null} n
 * @param {number} digits
 * @returns {string}
 */
function fixed(n, digits) {
  return n === null ? 'n/a' : n.toFixed(digits);
}

/**
 * @param {string} s
 * @param {number} width
 * @returns {string}
 */
function pad(s, width) {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

/**
 * The stdout text.
 * @param {Figures} f
 * @param {PhaseInfo} info
 * @returns {string}
 */
export function render(f, info) {
  const d = f.durationMs;
  // 'p(99.9)' -> 'p99.9 1.23 ms'; stats missing from summaryTrendStats are left out
  const ms = (/** @type {string} */ stat) => (d[stat] === null ? '' : `${stat.replace(/[()]/g, '')} ${fixed(d[stat], 2)} ms  `);
  const lines = [
    '',
    `shortlink k6 ${info.name} (${info.title}): target ${thousands(info.targetTps)} TPS at ${thousands(info.targetVus)} VUs`,
    `  pacing             ${info.pacing
      ? `${fixed(info.ratePerVu, 2)} req/s per VU (1.2 x ${thousands(info.targetTps)} TPS / ${thousands(info.targetVus)} VUs)`
      : 'none (PACING=0: stress reading, no think time)'}`,
    `  TPS at target      ${f.tpsAtTarget === null ? 'n/a' : `${fixed(f.tpsAtTarget, 1)} req/s`}` +
      `  (${f.reqsAtTarget === null ? 0 : thousands(f.reqsAtTarget)} requests in ${f.windowSeconds === null ? 'n/a' : formatSeconds(f.windowSeconds)}: ${f.windowLabel})`,
    `  TPS whole run      ${f.tpsWholeRun === null ? 'n/a' : `${fixed(f.tpsWholeRun, 1)} req/s`}` +
      `  (k6 http_reqs rate: ${f.requests === null ? 0 : thousands(f.requests)} requests over ${f.runSeconds === null ? 'n/a' : formatSeconds(f.runSeconds)}, ramps and teardown included)`,
    `  http_req_duration  ${['med', 'p(95)', 'p(99)', 'p(99.9)', 'max'].map(ms).join('').trimEnd()}`,
    `  http_req_failed    ${f.failedRate === null ? 'n/a' : `${fixed(f.failedRate * 100, 3)}%`}` +
      `${f.failedCount === null ? '' : ` (${thousands(f.failedCount)} requests)`}`,
    `  redirects 302      ${f.redirects302 === null ? 0 : thousands(f.redirects302)} (each should become one click)`,
  ];
  if (f.clicksRecorded !== null) {
    lines.push(`  clicks recorded    ${thousands(f.clicksRecorded)} (GET /api/v1/stats delta after drain): ` +
      `lost ${thousands(/** @type {number} */ (f.clicksLost))}, duplicated ${thousands(/** @type {number} */ (f.clicksDuplicated))}`);
  } else {
    lines.push('  clicks recorded    not accounted (ACCOUNT=0, or /api/v1/stats not readable)');
  }
  const kindNames = Object.keys(f.kinds);
  if (kindNames.length > 0) {
    lines.push('  by kind            sent / unexpected status');
    for (const k of kindNames) {
      lines.push(`    ${pad(k, 16)} ${thousands(f.kinds[k].sent)} / ${thousands(f.kinds[k].unexpected)}`);
    }
  }
  const failingChecks = f.checks.filter((c) => c.fails > 0);
  if (failingChecks.length > 0) {
    lines.push('  failing checks');
    for (const c of failingChecks) lines.push(`    ${pad(c.name, 28)} ${thousands(c.fails)} of ${thousands(c.passes + c.fails)}`);
  }
  lines.push('  thresholds (the plan\'s, evaluated by k6)');
  for (const t of f.thresholds) lines.push(`    ${t.ok ? 'PASS' : 'FAIL'}  ${pad(t.metric, 18)} ${t.expr}`);
  lines.push('  plan success criteria beyond the thresholds (reported, not enforced)');
  for (const c of f.criteria) lines.push(`    ${pad(c.verdict, 4)}  ${pad(c.criterion, 26)} ${c.detail}`);
  lines.push(`  => thresholds ${f.thresholdsOk ? 'PASS' : 'FAIL'}` +
    `${info.summaryFile ? `; JSON summary: ${info.summaryFile}` : ' (set SUMMARY_FILE for the JSON summary)'}`);
  lines.push('');
  return lines.join('\n');
}

/**
 * Builds the handleSummary() export of a phase script.
 * @param {PhaseInfo} info
 * @returns {(data: SummaryData) => Record<string, string>}
 */
export function makeHandleSummary(info) {
  return function handleSummary(data) {
    const f = figures(data, info);
    /** @type {Record<string, string>} */
    const out = { stdout: render(f, info) };
    if (info.summaryFile) {
      out[info.summaryFile] = JSON.stringify(Object.assign({}, data, { shortlink: { phase: info, figures: f } }), null, 2);
    }
    return out;
  };
}
