// @ts-check
/**
 * Constant arrival rate (open model): RATE new messages per second (default 2000) for DURATION (default 1m),
 * whatever the latency. Fails when more than 0.1 % of requests fail or p99 accept latency reaches 50 ms.
 *   k6 run -e BASE_URL=… -e API_KEY=… -e RATE=2000 -e DURATION=1m -e PRE_ALLOCATED_VUS=200 load-tests/constant-rate.js
 */
import exec from 'k6/execution';
import { env, envNumber, sendMessage, setupRun, THRESHOLDS } from './lib/api.js';

const RATE = envNumber('RATE', 2000);
const PRE_ALLOCATED_VUS = envNumber('PRE_ALLOCATED_VUS', 200);

/** @type {import('k6/options').Options} */
export const options = {
  discardResponseBodies: false,
  scenarios: {
    accept: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: env('DURATION', '1m'),
      preAllocatedVUs: PRE_ALLOCATED_VUS,
      maxVUs: envNumber('MAX_VUS', PRE_ALLOCATED_VUS * 4),
    },
  },
  thresholds: THRESHOLDS,
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
};

export function setup() {
  return setupRun();
}

/** @param {{ runTag: string }} data */
export default function (data) {
  sendMessage(data.runTag, exec.scenario.iterationInTest);
}
