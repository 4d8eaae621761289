// stress-phase2.js: Phase 2 of the plan (plan.ko.md, "Phase 2: Redis 캐싱"), 3,000 TPS at 500 VUs.
// The stages and thresholds below are the plan's, verbatim. The request mix, pacing (7.2 req/s
// per VU), Zipf code choice and summary live in lib/shortlink.js; how to run it: k6/README.md.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e CODES_FILE=build/seed/codes.txt -e API_KEY=... k6/stress-phase2.js
import { phase } from './lib/shortlink.js';

// The plan's success criteria: TPS >= 3,000; failures < 1%; P95 < 50 ms.
const p = phase({
  name: 'phase2',
  title: 'Phase 2: Redis caching',
  targetTps: 3000,
  // The plan's k6 options, verbatim:
  stages: [
    { duration: '2m', target: 200 },
    { duration: '5m', target: 500 },  // Phase 2 목표
    { duration: '2m', target: 0 },
  ],
  thresholds: {
    'http_req_duration': ['p(95)<50'],
    'http_req_failed': ['rate<0.01'],
  },
});

export const { options, setup, teardown, handleSummary } = p;
export default p.iteration;
