// Shared state of the k6 stubs: what the scripts did, and a fake clock that sleep() advances.
export const state = {
  now: Date.UTC(2026, 10, 27, 12, 0, 0),
  sleeps: [],
  checks: [],
  metrics: {}, // name -> { type, samples: [{ value, tags }] }
  sharedArrays: {}, // name -> times the callback ran
  requests: [],
  /** (method, url, body, params) -> { status, body } */
  handler: () => ({ status: 599, body: '' }),
};
