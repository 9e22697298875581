// @ts-check
/**
 * Soak: a steady RATE (default 500/s) for DURATION (default 30m), to watch memory and latency drift. Pair it
 * with the gateway's /metrics (smsmesh_process_resident_memory_bytes) or `node dist/cmd/bench.js --soak 30`,
 * which also fits the RSS slope of every process.
 *   k6 run -e BASE_URL=… -e API_KEY=… -e RATE=500 -e DURATION=30m load-tests/soak.js
 */
import exec from 'k6/execution';
import { env, envNumber, sendMessage, setupRun, THRESHOLDS } from './lib/api.js';

const PRE_ALLOCATED_VUS = envNumber('PRE_ALLOCATED_VUS', 100);

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: envNumber('RATE', 500),
      timeUnit: '1s',
      duration: env('DURATION', '30m'),
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
