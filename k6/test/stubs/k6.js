import { state } from './state.js';

export function check(val, sets, tags) {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = !!fn(val);
    state.checks.push({ name, ok, tags });
    all = all && ok;
  }
  return all;
}

export function sleep(seconds) {
  if (typeof seconds !== 'number' || !(seconds >= 0)) throw new Error(`sleep(${seconds})`);
  state.sleeps.push(seconds);
  state.now += seconds * 1000;
}

export function randomSeed() {}
export function group(_name, fn) { return fn(); }
export function fail(msg) { throw new Error(msg); }
export default { check, sleep, randomSeed, group, fail };
