// stress-phase4-final.js: Phase 4 of the plan (plan.ko.md, "Phase 4: 스케일 아웃"), the final goal:
// 10,000 TPS at 2,000 VUs, held for 10 minutes. The stages and thresholds below are the plan's,
// verbatim. The request mix, pacing (6 req/s per VU), Zipf code choice and summary live in
// lib/shortlink.js; see k6/README.md.
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e CODES_FILE=build/seed/codes.txt -e API_KEY=... k6/stress-phase4-final.js
import { phase } from './lib/shortlink.js';

// The plan's success criteria: TPS >= 10,000; failures < 0.1%; P95 < 30 ms; P99 < 50 ms;
// 10 minutes of stable operation (TPS at target is read over the 10-minute hold).
const p = phase({
  name: 'phase4',
  title: 'Phase 4: scale-out (the final goal)',
  targetTps: 10000,
  // The plan's k6 options, verbatim:
  stages: [
    { duration: '2m', target: 1000 },
    { duration: '5m', target: 2000 },  // 최종 목표!
    { duration: '10m', target: 2000 }, // 안정성 확인
    { duration: '2m', target: 0 },
  ],
  thresholds: {
    'http_req_duration': ['p(95)<30', 'p(99)<50'],
    'http_req_failed': ['rate<0.001'],
  },
});

export const { options, setup, teardown, handleSummary } = p;
export default p.iteration;
