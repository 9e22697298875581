// @ts-check
/**
 * What every k6 script shares: options from the environment, the accept request, the checks on a 202, and the
 * thresholds (error rate < 0.1 %, p99 accept latency < 50 ms).
 */
import { check } from 'k6';
import http from 'k6/http';
import { createMessageMix, DEFAULT_MIX, parseMix } from './message.js';

/**
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
export function env(name, fallback) {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : v;
}

/**
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
export function envNumber(name, fallback) {
  const raw = env(name, String(fallback));
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return n;
}

export const BASE_URL = env('BASE_URL', 'http://127.0.0.1:8080').replace(/\/$/, '');
export const API_KEY = env('API_KEY', '');
export const MIX = __ENV.MIX ? parseMix(__ENV.MIX) : DEFAULT_MIX;

/** Thresholds of every load script: the same limits `node dist/cmd/loadgen.js` checks. */
export const THRESHOLDS = {
  http_req_failed: [{ threshold: 'rate<0.001', abortOnFail: false }],
  'http_req_duration{name:accept}': ['p(99)<50'],
  checks: ['rate>0.999'],
};

/**
 * Runs once before the load: checks the API key and fixes the run tag every VU uses.
 * @returns {{ runTag: string }}
 */
export function setupRun() {
  if (!API_KEY) throw new Error('API_KEY is required (make dev prints one)');
  return { runTag: env('RUN_TAG', `k6-${Date.now().toString(36)}`) };
}

/** @type {Map<string, ReturnType<typeof createMessageMix>>} */
const mixes = new Map();

/**
 * POST /v1/messages for message `index` of the run, with its Idempotency-Key; checks the 202 and its body.
 * @param {string} runTag
 * @param {number} index a number unique within the run (exec.scenario.iterationInTest)
 * @returns {import('k6/http').RefinedResponse<'text'>}
 */
export function sendMessage(runTag, index) {
  let mix = mixes.get(runTag);
  if (!mix) {
    mix = createMessageMix({ runTag, weights: MIX });
    mixes.set(runTag, mix);
  }
  const m = mix.at(index);
  const res = http.post(`${BASE_URL}/v1/messages`, JSON.stringify({ to: m.to, from: m.from, text: m.text, clientRef: m.key }), {
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${API_KEY}`, 'Idempotency-Key': m.key },
    tags: { name: 'accept', kind: m.kind },
    responseType: 'text',
  });
  check(res, {
    'status is 202': (r) => r.status === 202,
    'body is an accepted message': (r) => {
      /** @type {unknown} */
      let body;
      try {
        body = JSON.parse(String(r.body));
      } catch {
        return false;
      }
      if (typeof body !== 'object' || body === null) return false;
      const b = /** @type {Record<string, unknown>} */ (body);
      return (
        typeof b.id === 'string' &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(b.id) &&
        b.status === 'accepted' &&
        typeof b.carrier === 'string' &&
        b.segments === m.segments &&
        b.encoding === (m.kind === 'ucs2' ? 'ucs2' : 'gsm7')
      );
    },
  });
  return res;
}
