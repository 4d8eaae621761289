import { state } from './state.js';

class Metric {
  constructor(name, type) {
    if (state.metrics[name]) throw new Error(`metric ${name} registered twice`);
    if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) throw new Error(`bad metric name ${name}`);
    this.name = name;
    state.metrics[name] = { type, samples: [] };
  }
  add(value, tags) {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`${this.name}.add(${value})`);
    state.metrics[this.name].samples.push({ value: Number(value), tags });
  }
}
export class Counter extends Metric { constructor(n) { super(n, 'counter'); } }
export class Gauge extends Metric { constructor(n) { super(n, 'gauge'); } }
export class Rate extends Metric { constructor(n) { super(n, 'rate'); } }
export class Trend extends Metric { constructor(n) { super(n, 'trend'); } }
export default { Counter, Gauge, Rate, Trend };
