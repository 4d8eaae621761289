// stress-phase1.js: Phase 1 of the plan (plan.ko.md, "Phase 1: DB 최적화"), 1,000 TPS at 200 VUs.
// The stages and thresholds below are the plan's, verbatim. The request mix, pacing (6 req/s per
// VU), Zipf code choice and summary live in lib/shortlink.js; how to run it: k6/README.md.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e CODES_FILE=build/seed/codes.txt -e API_KEY=... k6/stress-phase1.js
import { phase } from './lib/shortlink.js';

// The plan's success criteria: TPS >= 1,000; failures < 5%; P95 < 100 ms; DB query time < 10 ms.
const p = phase({
  name: 'phase1',
  title: 'Phase 1: database optimisation',
  targetTps: 1000,
  notMeasured: ['DB query time < 10 ms'],
  // The plan's k6 options, verbatim:
  stages: [
    { duration: '2m', target: 100 },
    { duration: '5m', target: 200 },  // Phase 1 목표
    { duration: '2m', target: 0 },
  ],
  thresholds: {
    'http_req_duration': ['p(95)<100'],
    'http_req_failed': ['rate<0.05'],
  },
});

export const { options, setup, teardown, handleSummary } = p;
export default p.iteration;
