// Node module hooks for the tests: the k6 built-in modules resolve to the stubs in ./stubs/.
const STUBS = {
  'k6': 'k6.js',
  'k6/http': 'http.js',
  'k6/metrics': 'metrics.js',
  'k6/data': 'data.js',
  'k6/execution': 'execution.js',
};

export async function resolve(specifier, context, next) {
  if (Object.prototype.hasOwnProperty.call(STUBS, specifier)) {
    return { url: new URL(`./stubs/${STUBS[specifier]}`, import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
