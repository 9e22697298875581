// @ts-check
/**
 * Ramping arrival rate to find the knee: from START_RATE (default 100/s) up to RATE (default 8000/s) in STEPS
 * equal steps of STEP_DURATION each (default 8 × 30s), each step held for its duration. The run aborts at the
 * first threshold breach (p99 accept ≥ 50 ms or > 0.1 % errors, judged after 10 s): the rate at that moment, in
 * k6's output, is the knee. Compare with `node dist/cmd/bench.js --find-max`, which steps the same way.
 *   k6 run -e BASE_URL=… -e API_KEY=… -e RATE=8000 load-tests/ramp.js
 */
import exec from 'k6/execution';
import { env, envNumber, sendMessage, setupRun } from './lib/api.js';

const START = envNumber('START_RATE', 100);
const TOP = envNumber('RATE', 8000);
const STEPS = envNumber('STEPS', 8);
const STEP_DURATION = env('STEP_DURATION', '30s');
const PRE_ALLOCATED_VUS = envNumber('PRE_ALLOCATED_VUS', 200);

/** @type {Array<{ target: number, duration: string }>} */
const stages = [];
for (let i = 1; i <= STEPS; i++) {
  const target = Math.round(START + ((TOP - START) * i) / STEPS);
  stages.push({ target, duration: '5s' }, { target, duration: STEP_DURATION });
}

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate',
      startRate: START,
      timeUnit: '1s',
      preAllocatedVUs: PRE_ALLOCATED_VUS,
      maxVUs: envNumber('MAX_VUS', PRE_ALLOCATED_VUS * 4),
      stages,
    },
  },
  thresholds: {
    http_req_failed: [{ threshold: 'rate<0.001', abortOnFail: true, delayAbortEval: '10s' }],
    'http_req_duration{name:accept}': [{ threshold: 'p(99)<50', abortOnFail: true, delayAbortEval: '10s' }],
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
};

export function setup() {
  return setupRun();
}

/** @param {{ runTag: string }} data */
export default function (data) {
  sendMessage(data.runTag, exec.scenario.iterationInTest);
}
