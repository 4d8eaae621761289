// Where in a stage profile the plan reads its TPS. No k6 imports (Node tests it, k6/test/).
//
// The plan reads a phase's TPS at its target VU count, not over the whole run:
//   - phases 1-3: over the last 60 s of the stage that ramps up to the target VUs
//     (the plan's stage 2: "5m -> target"; VUs rise linearly, so it's the minute that ends at the target);
//   - phase 4: over the 10-minute hold at 2,000 VUs (a stage that stays at the target).
// k6's own end-of-test `http_reqs` rate is count / whole run, ramps included, so it reads lower.
// lib/shortlink.js counts the requests that complete inside this window (reqs_at_target), and
// lib/summary.js prints count / window length.

/** @typedef {{ duration: string, target: number }} Stage */

/**
 * @typedef {object} MeasuredWindow
 * @property {number} targetVus  the highest stage target (the phase's VU count)
 * @property {number} startS     window start, seconds since the scenario started
 * @property {number} endS       window end (exclusive), seconds since the scenario started
 * @property {string} label      what the window is, for the summary
 */

/** Seconds per unit, for k6/Go duration strings like '2m', '1m30s', '500ms'. */
const UNIT_SECONDS = /** @type {Record<string, number>} */ ({
  h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9,
});

/**
 * Parses a k6 duration ('2m', '10m', '1m30s', '90s', '1.5h') into seconds.
 * @param {string | number} d a duration string, or a number of milliseconds (k6's convention)
 * @returns {number}
 */
export function durationSeconds(d) {
  if (typeof d === 'number') return d / 1000;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  /** @type {RegExpExecArray | null} */
  let m;
  while ((m = re.exec(d)) !== null) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== d.length) throw new Error(`not a k6 duration: '${d}'`);
  return total;
}

/**
 * Formats seconds as k6 prints durations: 420 -> '7m00s', 59.5 -> '59.5s'.
 * @param {number} s
 * @returns {string}
 */
export function formatSeconds(s) {
  if (s < 60) return `${Math.round(s * 10) / 10}s`;
  const min = Math.floor(s / 60);
  const sec = Math.round(s - min * 60);
  return `${min}m${sec < 10 ? '0' : ''}${sec}s`;
}

/**
 * The window the plan measures TPS in (see the top of this file).
 * @param {ReadonlyArray<Stage>} stages the phase's stages, as in its options
 * @param {number} [lastSeconds] length of the window when there is no hold stage (60)
 * @returns {MeasuredWindow}
 */
export function measuredWindow(stages, lastSeconds = 60) {
  if (stages.length === 0) throw new Error('measuredWindow: no stages');
  const targetVus = Math.max(...stages.map((st) => st.target));
  /** @type {number[]} */
  const ends = [];
  let t = 0;
  for (const st of stages) {
    t += durationSeconds(st.duration);
    ends.push(t);
  }
  const reach = stages.findIndex((st) => st.target === targetVus);
  const reachStart = reach === 0 ? 0 : ends[reach - 1];
  let hold = reach;
  while (hold + 1 < stages.length && stages[hold + 1].target === targetVus) hold++;
  if (hold > reach) {
    const startS = ends[reach];
    const endS = ends[hold];
    return {
      targetVus, startS, endS,
      label: `the ${formatSeconds(endS - startS)} hold at ${targetVus} VUs ` +
        `(stage${hold > reach + 1 ? 's' : ''} ${reach + 2}${hold > reach + 1 ? `-${hold + 1}` : ''}, ` +
        `${formatSeconds(startS)}-${formatSeconds(endS)})`,
    };
  }
  const endS = ends[reach];
  const startS = Math.max(reachStart, endS - lastSeconds);
  return {
    targetVus, startS, endS,
    label: `the last ${formatSeconds(endS - startS)} of stage ${reach + 1} (the ramp to ${targetVus} VUs, ` +
      `${formatSeconds(startS)}-${formatSeconds(endS)})`,
  };
}
