// Seeded randomness for the load profiles. A plain ES module without k6 imports, so Node tests it
// too (k6/test/). Not Math.random: k6's randomSeed() can seed that, but the sequence is whatever the
// k6 version's engine makes of it; mulberry32 gives the same sequence in every k6 and in Node.

/** The fixed seed (override with -e SEED=...). Each VU uses SEED XOR its VU id. */
export const DEFAULT_SEED = 0x5eed1e55;

/**
 * mulberry32: a small 32-bit PRNG (Tommy Ettinger's). Returns numbers uniform in [0, 1).
 * @param {number} seed any 32-bit integer
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cumulative distribution of a Zipf law over ranks 1..n: P(rank k) is proportional to 1 / k^s.
 * cdf[i] is P(rank <= i + 1); the last entry is exactly 1.
 * @param {number} n number of ranks (at least 1)
 * @param {number} s skew exponent (1.0 in the plan's traffic model)
 * @returns {number[]}
 */
export function zipfCdf(n, s) {
  if (!(n >= 1)) throw new Error(`zipfCdf: need at least one rank, got ${n}`);
  /** @type {number[]} */
  const cdf = new Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / Math.pow(k, s);
    cdf[k - 1] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] /= sum;
  cdf[n - 1] = 1;
  return cdf;
}

/**
 * The 0-based index i with cdf[i-1] <= u < cdf[i] (binary search), for u uniform in [0, 1).
 * Works on plain arrays and on k6 SharedArrays (indexed access only).
 * @param {ArrayLike<number>} cdf nondecreasing, last entry 1
 * @param {number} u
 * @returns {number}
 */
export function sampleIndex(cdf, u) {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
