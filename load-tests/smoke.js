// @ts-check
/**
 * Smoke test: a few messages of each kind, each answered 202 with {id, status: "accepted", carrier, segments,
 * encoding}; then the first one is looked up with GET /v1/messages/{id}.
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e API_KEY=… load-tests/smoke.js
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { API_KEY, BASE_URL, sendMessage, setupRun } from './lib/api.js';

/** @type {import('k6/options').Options} */
export const options = {
  vus: 1,
  iterations: 10,
  thresholds: { checks: ['rate==1'], http_req_failed: ['rate==0'] },
};

export function setup() {
  return setupRun();
}

/** @param {{ runTag: string }} data */
export default function (data) {
  const res = sendMessage(data.runTag, exec.scenario.iterationInTest);
  if (exec.scenario.iterationInTest === 0 && res.status === 202) {
    const id = String(res.json('id'));
    // Status is written in batches: give it a moment to become visible.
    sleep(1);
    const got = http.get(`${BASE_URL}/v1/messages/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` }, tags: { name: 'status' } });
    check(got, {
      'GET /v1/messages/{id} is 200': (r) => r.status === 200,
      'GET returns the same id': (r) => r.json('id') === id,
    });
  }
}
