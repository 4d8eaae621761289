import { state } from './state.js';

export class SharedArray {
  constructor(name, fn) {
    state.sharedArrays[name] = (state.sharedArrays[name] || 0) + 1;
    const arr = fn();
    if (!Array.isArray(arr)) throw new Error(`SharedArray ${name}: the callback must return an array`);
    // k6 hands out JSON copies, read-only
    return Object.freeze(JSON.parse(JSON.stringify(arr)));
  }
}
export default { SharedArray };
