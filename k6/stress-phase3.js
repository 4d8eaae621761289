// stress-phase3.js: Phase 3 of the plan (plan.ko.md, "Phase 3: Kafka 비동기 처리"), 5,000 TPS at
// 1,000 VUs. The stages and thresholds below are the plan's, verbatim. The request mix, pacing
// (6 req/s per VU), Zipf code choice and summary live in lib/shortlink.js; see k6/README.md.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e CODES_FILE=build/seed/codes.txt -e API_KEY=... k6/stress-phase3.js
import { phase } from './lib/shortlink.js';

// The plan's success criteria: TPS >= 5,000; failures < 0.5%; P95 < 30 ms; P99 < 50 ms;
// click events lost < 0.1%. Its thresholds hold only P95 and failures; the summary reports the rest.
const p = phase({
  name: 'phase3',
  title: 'Phase 3: asynchronous processing with Kafka',
  targetTps: 5000,
  p99Ms: 50,
  clicksLostMax: 0.001,
  // The plan's k6 options, verbatim:
  stages: [
    { duration: '2m', target: 500 },
    { duration: '5m', target: 1000 },  // Phase 3 목표
    { duration: '2m', target: 0 },
  ],
  thresholds: {
    'http_req_duration': ['p(95)<30'],
    'http_req_failed': ['rate<0.005'],
  },
});

export const { options, setup, teardown, handleSummary } = p;
export default p.iteration;
