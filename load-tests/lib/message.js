// @ts-check
/**
 * The benchmark's message mix for k6 — identical to tools/loadgen/message-mix.ts (a test checks they agree):
 * 80 % single-segment GSM, 10 % UCS-2, 10 % three-segment GSM, in an exact smooth weighted round robin, with
 * realistic texts, distinct destinations (+4477 then 8 digits) and a per-message key used as Idempotency-Key
 * and clientRef. Pure JavaScript with no k6 import, so Node can load it too.
 */

/** @typedef {'gsm1' | 'ucs2' | 'gsm3'} MessageKind */
/** @typedef {{ gsm1: number, ucs2: number, gsm3: number }} MixWeights */
/**
 * @typedef {object} BenchMessage
 * @property {MessageKind} kind
 * @property {string} to
 * @property {string} from
 * @property {string} text
 * @property {string} key Idempotency-Key and clientRef: `<runTag>-<index>`
 * @property {number} segments
 */

/** @type {readonly MessageKind[]} */
export const MESSAGE_KINDS = ['gsm1', 'ucs2', 'gsm3'];
/** @type {MixWeights} */
export const DEFAULT_MIX = { gsm1: 80, ucs2: 10, gsm3: 10 };
/** @type {Readonly<Record<MessageKind, number>>} */
export const SEGMENTS = { gsm1: 1, ucs2: 1, gsm3: 3 };

/**
 * @param {number} a
 * @param {number} b
 * @returns {number}
 */
function gcd(a, b) {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The kinds of one cycle by smooth weighted round robin: 80/10/10 gives ten entries.
 * @param {MixWeights} w
 * @returns {MessageKind[]}
 */
export function mixCycle(w) {
  const ints = MESSAGE_KINDS.map((k) => Math.round(w[k] * 10));
  const g = ints.reduce((a, b) => gcd(a, b));
  const weights = ints.map((n) => n / g);
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  /** @type {MessageKind[]} */
  const out = [];
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] = (current[i] ?? 0) + (weights[i] ?? 0);
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    }
    current[best] = (current[best] ?? 0) - total;
    out.push(MESSAGE_KINDS[best] ?? 'gsm1');
  }
  return out;
}

/**
 * A cheap deterministic hash of an integer.
 * @param {number} n
 * @returns {number}
 */
function mix32(n) {
  let x = (n ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * @param {number} n
 * @param {number} width
 * @returns {string}
 */
const pad = (n, width) => String(n).padStart(width, '0');
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** @typedef {(r: number) => string} Template */

/** @type {Template[]} 96–140 GSM septets: one segment. */
const GSM1 = [
  (r) => `ACME: your verification code is ${pad(r % 1_000_000, 6)}. It expires in 10 minutes. Never share it: ACME staff will never ask you for this code.`,
  (r) => `Your order ${pad(r % 10_000_000, 7)} has been dispatched and arrives on ${DAYS[r % 7]}. Track it at acme.example/t/${pad(r % 10_000_000, 7)} or reply STOP to opt out.`,
  (r) => `Reminder: your appointment with Dr Smith is on ${DAYS[r % 7]} at ${pad(8 + (r % 10), 2)}:${pad((r >>> 8) % 60, 2)}. Reply YES to confirm or call 020 7946 0${pad(r % 1000, 3)} to change it.`,
  (r) => `Hi! Your table for ${2 + (r % 6)} at Luigi's is booked for tonight, 8pm. Please arrive 10 minutes early. To cancel, reply CANCEL ${pad(r % 100_000, 5)}.`,
];

/** @type {Template[]} At most 70 UCS-2 code units: one segment. */
const UCS2 = [
  (r) => `Ваш код подтверждения: ${pad(r % 1_000_000, 6)}. Никому его не сообщайте.`,
  (r) => `Ο κωδικός σας είναι ${pad(r % 1_000_000, 6)}. Ισχύει για 10 λεπτά.`,
  (r) => `您的验证码是${pad(r % 1_000_000, 6)}，10分钟内有效。请勿泄露给他人。`,
  (r) => `Votre colis 📦 ${pad(r % 10_000_000, 7)} arrive aujourd'hui entre 14h et 16h.`,
];

/** @type {Template[]} 330–450 GSM septets: three segments of 153. */
const GSM3 = [
  (r) =>
    `Dear customer, your monthly statement for the account ending ${pad(r % 10_000, 4)} is now available. The amount due is GBP ${(r % 50_000) / 100 + 10} ` +
    `and the payment date is ${DAYS[r % 7]} next week. If you pay by direct debit, no action is needed: the payment will be collected automatically. ` +
    `To view the statement, log in to the ACME app or visit acme.example/statements. Questions? Call 0800 046 ${pad(r % 10_000, 4)}, Monday to Friday, 8am to 8pm.`,
  (r) =>
    `Service notice: planned maintenance on the ACME network will take place on ${DAYS[r % 7]} night between 00:30 and 04:30. During this window, mobile data ` +
    `and calls in your area (ref ${pad(r % 1_000_000, 6)}) may be interrupted for up to 20 minutes. Emergency calls to 112 and 999 will keep working at all times. ` +
    `We are sorry for any inconvenience. For live updates, see acme.example/status or reply INFO to this message.`,
];

/**
 * @typedef {object} MixOptions
 * @property {string} runTag [A-Za-z0-9_-]: distinguishes runs in keys (and in the database, through clientRef)
 * @property {MixWeights} [weights]
 * @property {number} [destinationBase]
 * @property {string} [from]
 */

/**
 * @param {MixOptions} o
 * @returns {{ cycle: readonly MessageKind[], at: (index: number) => BenchMessage }}
 */
export function createMessageMix(o) {
  const cycle = mixCycle(o.weights ?? DEFAULT_MIX);
  const base = o.destinationBase ?? 0;
  const from = o.from ?? 'ACME';
  return {
    cycle,
    at(index) {
      const kind = cycle[index % cycle.length] ?? 'gsm1';
      const r = mix32(index + base);
      const list = kind === 'gsm1' ? GSM1 : kind === 'ucs2' ? UCS2 : GSM3;
      const template = list[r % list.length] ?? GSM1[0];
      const text = template ? template(r >>> 3) : '';
      const to = `+4477${pad((base + index) % 100_000_000, 8)}`;
      return { kind, to, from, text, key: `${o.runTag}-${index}`, segments: SEGMENTS[kind] };
    },
  };
}

/**
 * Parses "80,10,10" (gsm1,ucs2,gsm3).
 * @param {string} s
 * @returns {MixWeights}
 */
export function parseMix(s) {
  const parts = s.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n < 0) || parts.every((n) => n === 0)) {
    throw new Error(`a mix is three non-negative shares gsm1,ucs2,gsm3 (e.g. 80,10,10), got '${s}'`);
  }
  return { gsm1: parts[0] ?? 0, ucs2: parts[1] ?? 0, gsm3: parts[2] ?? 0 };
}
