// The shortlink traffic model shared by the four phase scripts (k6/stress-phase*.js).
//
// Each iteration is one request, drawn from a seeded PRNG (lib/random.js):
//   90 %  GET /{code}                       redirects: 0 (k6 doesn't follow), expects 302
//    4 %  GET /api/v1/links/{code}          metadata, expects 200
//    4 %  GET /api/v1/links/{code}/stats    stats (default window: last 24 h), expects 200
//    2 %  POST /api/v1/links                {"url":"https://example.org/k6/<vu>-<iter>"}, expects 201
// Codes come from CODES_FILE (one per line, most popular first; scripts/seed-data writes
// build/seed/codes.txt) and are drawn with a Zipf skew (s = ZIPF_S, 1.0) from a per-VU PRNG
// seeded with SEED XOR the VU id, so every run asks for the same codes in the same order per VU.
//
// Pacing (closed model with think time): a VU sends r = 1.2 x target TPS / target VUs requests
// per second: after each request it sleeps max(0, 1/r - the iteration's duration so far).
// At the target VU count that offers 1.2 x the target TPS while a request takes less than 1/r;
// slower answers slow the VUs down. PACING=0 drops the pause (a stress reading: as fast as the
// VUs go).
//
// TPS at target: the plan reads TPS over the last 60 s of the stage that ramps up to the target
// VUs (phases 1-3) and over the 10-minute hold (phase 4). k6's end-of-test http_reqs rate averages
// over the whole run, ramps included. So every request that completes inside that window
// (lib/window.js) adds 1 to reqs_at_target, and handleSummary prints count / window seconds.
//
// Environment (k6 run -e NAME=value):
//   BASE_URL     http://127.0.0.1:8080
//   CODES_FILE   build/seed/codes.txt; a relative path is taken from the directory k6 runs in
//                ($PWD), else from the repository root
//   PACING       1; 0 = no think time
//   SEED         0x5eed1e55 (decimal or 0x-hex)
//   ZIPF_S       1.0
//   SUMMARY_FILE unset; a path for the JSON summary (its directory must exist)
//   ACCOUNT      1; 0 = skip the click accounting (GET /api/v1/stats in setup and teardown)
//   CLICKS_SETTLE_S  10; teardown waits until the click total is unchanged this long (cap 50 s)

import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Gauge } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import { DEFAULT_SEED, mulberry32, sampleIndex, zipfCdf } from './random.js';
import { measuredWindow } from './window.js';
import { makeHandleSummary } from './summary.js';

/**
 * Trend statistics for the end-of-test summary: k6's default set lacks p(99) and p(99.9).
 * Only what the summary shows; no threshold depends on it.
 */
const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'];

/** The request mix: cumulative shares, checked in order. */
export const MIX = /** @type {const} */ ([
  { kind: 'redirect', upTo: 0.90 },
  { kind: 'metadata', upTo: 0.94 },
  { kind: 'stats', upTo: 0.98 },
  { kind: 'create', upTo: 1.0 },
]);

/** @typedef {typeof MIX[number]['kind']} Kind */

/**
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
function numberEnv(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!isFinite(n)) throw new Error(`${name}=${raw} is not a number`);
  return n;
}

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const PACING = __ENV.PACING !== '0';
const ACCOUNT = __ENV.ACCOUNT !== '0';
const SEED = numberEnv('SEED', DEFAULT_SEED) >>> 0;
const ZIPF_S = numberEnv('ZIPF_S', 1.0);
const CLICKS_SETTLE_S = numberEnv('CLICKS_SETTLE_S', 10);
const CLICKS_WAIT_CAP_S = 50; // teardown's default timeout is 60 s

/**
 * file:///a/b -> /a/b (import.meta.resolve answers URLs; open() wants a path).
 * @param {string} url
 * @returns {string}
 */
function fileUrlToPath(url) {
  if (!url.startsWith('file://')) return url;
  const path = decodeURIComponent(url.slice('file://'.length));
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path; // file:///C:/x -> C:/x
}

/**
 * A repository-relative path, made absolute from this module's location (k6/lib/).
 * @param {string} rel
 * @returns {string}
 */
function fromRepoRoot(rel) {
  if (typeof import.meta.resolve === 'function') return fileUrlToPath(import.meta.resolve(`../../${rel}`));
  return `../${rel}`; // older k6: open() resolves relative to the entry script's directory, k6/
}

/**
 * Where the codes file is: absolute paths as given; relative ones from $PWD (the directory k6
 * was started in) when k6 sees it, else from the repository root. open() itself would resolve
 * relative paths against the script, not the shell's directory.
 * @returns {string}
 */
function codesPath() {
  const given = __ENV.CODES_FILE;
  if (!given) return fromRepoRoot('build/seed/codes.txt');
  if (given.startsWith('/') || /^[A-Za-z]:[\\/]/.test(given)) return given;
  if (__ENV.PWD) return `${__ENV.PWD.replace(/\/+$/, '')}/${given}`;
  return fromRepoRoot(given);
}

// Init context: read once, shared by every VU (SharedArray keeps a single copy).
const codes = new SharedArray('shortlink codes', function () {
  const path = codesPath();
  /** @type {string} */
  let text;
  try {
    text = open(path);
  } catch (e) {
    throw new Error(`cannot read the codes file ${path}: ${e} ` +
      '(scripts/seed-data N writes build/seed/codes.txt; or pass -e CODES_FILE=/absolute/path)');
  }
  const list = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  if (list.length === 0) throw new Error(`no codes in ${path}`);
  return list;
});

// Zipf CDF over the code ranks, built once and shared; sampled by binary search.
const cdf = new SharedArray(`shortlink zipf cdf s=${ZIPF_S}`, function () {
  return zipfCdf(codes.length, ZIPF_S);
});

// Custom metrics. redirects_302 is what the clicks must add up to after the run.
const redirects302 = new Counter('redirects_302');
/** @type {Record<Kind, { sent: Counter, unexpected: Counter }>} */
const perKind = {
  redirect: { sent: new Counter('reqs_redirect'), unexpected: new Counter('unexpected_redirect') },
  metadata: { sent: new Counter('reqs_metadata'), unexpected: new Counter('unexpected_metadata') },
  stats: { sent: new Counter('reqs_stats'), unexpected: new Counter('unexpected_stats') },
  create: { sent: new Counter('reqs_create'), unexpected: new Counter('unexpected_create') },
};
// Requests completed inside the measured window (lib/window.js), and the scenario time of each
// (the Gauge's max says how much of the window the run covered).
const reqsAtTarget = new Counter('reqs_at_target');
const atTargetElapsed = new Gauge('at_target_elapsed_s');
// Set by teardown: clicks the server recorded during the run (GET /api/v1/stats delta).
const clicksRecorded = new Counter('clicks_recorded');

/** Per-VU state (each VU has its own module instance). @type {(() => number) | null} */
let rng = null;

/** The API's key (-e API_KEY=..., e.g. $(cat data/admin-key)); redirects never send one. */
/** @type {Record<string, string>} */
const API_HEADERS = {};
if (__ENV.API_KEY) API_HEADERS.Authorization = `Bearer ${__ENV.API_KEY}`;
const JSON_HEADERS = { 'Content-Type': 'application/json', ...API_HEADERS };

/**
 * One request of the given kind; returns its status.
 * @param {Kind} kind
 * @param {string} code
 * @returns {number}
 */
function request(kind, code) {
  /** @type {import('k6/http').RefinedResponse<'none'>} */
  let res;
  let ok;
  switch (kind) {
    case 'redirect':
      res = http.get(`${BASE_URL}/${code}`,
        { redirects: 0, responseType: 'none', tags: { name: 'GET /{code}', kind } });
      ok = check(res, { 'redirect: status 302': (r) => r.status === 302 }, { kind });
      if (res.status === 302) redirects302.add(1);
      break;
    case 'metadata':
      res = http.get(`${BASE_URL}/api/v1/links/${code}`,
        { headers: API_HEADERS, responseType: 'none', tags: { name: 'GET /api/v1/links/{code}', kind } });
      ok = check(res, { 'metadata: status 200': (r) => r.status === 200 }, { kind });
      break;
    case 'stats':
      res = http.get(`${BASE_URL}/api/v1/links/${code}/stats`,
        { headers: API_HEADERS, responseType: 'none', tags: { name: 'GET /api/v1/links/{code}/stats', kind } });
      ok = check(res, { 'stats: status 200': (r) => r.status === 200 }, { kind });
      break;
    case 'create': {
      const body = JSON.stringify({ url: `https://example.org/k6/${exec.vu.idInTest}-${exec.vu.iterationInInstance}` });
      res = http.post(`${BASE_URL}/api/v1/links`, body,
        { headers: JSON_HEADERS, responseType: 'none', tags: { name: 'POST /api/v1/links', kind } });
      ok = check(res, { 'create: status 201': (r) => r.status === 201 }, { kind });
      break;
    }
  }
  perKind[kind].sent.add(1);
  if (!ok) perKind[kind].unexpected.add(1, { status: String(res.status) });
  return res.status;
}

/**
 * @param {number} u uniform in [0, 1)
 * @returns {Kind}
 */
export function kindFor(u) {
  for (const m of MIX) if (u < m.upTo) return m.kind;
  return 'create';
}

/** @returns {number | null} the server's click total, or null if it can't be read */
function readClicks() {
  const res = http.get(`${BASE_URL}/api/v1/stats`, { headers: API_HEADERS, tags: { name: 'GET /api/v1/stats', kind: 'accounting' } });
  if (res.status !== 200) return null;
  try {
    const v = res.json('clicks');
    return typeof v === 'number' ? v : null;
  } catch (_) {
    return null;
  }
}

/** @typedef {{ clicksBefore: number | null }} SetupData */

/**
 * @typedef {object} PhaseConfig
 * @property {string} name        'phase1' ... 'phase4'
 * @property {string} title       one line for the summary
 * @property {import('k6/options').Stage[]} stages  the plan's stages for the phase, verbatim
 * @property {{ [name: string]: import('k6/options').Threshold[] }} thresholds  the plan's thresholds, verbatim
 * @property {number} targetTps   the plan's TPS target for the phase
 * @property {number} [p99Ms]     a P99 success criterion the plan states but its thresholds don't
 * @property {number} [clicksLostMax]  a click-loss success criterion (fraction)
 * @property {string[]} [notMeasured]  success criteria k6 can't judge (listed in the summary)
 */

/**
 * Everything a phase script exports: k6's options (the plan's stages and thresholds, and the
 * summary's trend statistics) and the functions k6 calls.
 * @param {PhaseConfig} config
 */
export function phase(config) {
  /** @type {import('k6/options').Options} */
  const options = {
    stages: config.stages,
    thresholds: config.thresholds,
    summaryTrendStats: SUMMARY_TREND_STATS, // not the plan's: adds p(99), p(99.9) to the summary
  };
  const win = measuredWindow(config.stages);
  const ratePerVu = (1.2 * config.targetTps) / win.targetVus;
  const interval = PACING ? 1 / ratePerVu : 0;

  /** One iteration = one paced request. */
  function iteration() {
    const started = Date.now();
    if (rng === null) rng = mulberry32((SEED ^ exec.vu.idInTest) >>> 0);
    const kind = kindFor(rng());
    const code = codes[sampleIndex(cdf, rng())];
    request(kind, code);

    const inScenario = (Date.now() - exec.scenario.startTime) / 1000;
    if (inScenario >= win.startS && inScenario < win.endS) {
      reqsAtTarget.add(1);
      atTargetElapsed.add(inScenario);
    }
    if (interval > 0) sleep(Math.max(0, interval - (Date.now() - started) / 1000));
  }

  /** @returns {SetupData} */
  function setup() {
    if (!ACCOUNT) return { clicksBefore: null };
    const clicksBefore = readClicks();
    if (clicksBefore === null) console.warn(`click accounting off: ${BASE_URL}/api/v1/stats not readable`);
    return { clicksBefore };
  }

  /**
   * Waits until the server's click total stops moving, then records the delta in clicks_recorded.
   * @param {SetupData} data
   */
  function teardown(data) {
    if (!data || data.clicksBefore === null) return;
    let last = readClicks();
    if (last === null) return;
    let stableSince = Date.now();
    const deadline = Date.now() + CLICKS_WAIT_CAP_S * 1000;
    while (Date.now() - stableSince < CLICKS_SETTLE_S * 1000 && Date.now() < deadline) {
      sleep(1);
      const now = readClicks();
      if (now === null) break;
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      }
    }
    clicksRecorded.add(Math.max(0, last - data.clicksBefore));
  }

  const handleSummary = makeHandleSummary({
    name: config.name,
    title: config.title,
    targetTps: config.targetTps,
    targetVus: win.targetVus,
    ratePerVu,
    pacing: PACING,
    window: win,
    p99Ms: config.p99Ms,
    clicksLostMax: config.clicksLostMax,
    notMeasured: config.notMeasured,
    kinds: MIX.map((m) => m.kind),
    summaryFile: __ENV.SUMMARY_FILE || undefined,
  });

  return { options, iteration, setup, teardown, handleSummary };
}
