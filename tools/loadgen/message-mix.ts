/**
 * The benchmark's message mix: by default 80 % single-segment GSM, 10 % UCS-2, 10 % three-segment GSM, with
 * realistic texts, distinct destinations and a per-message key (Idempotency-Key and clientRef). Deterministic:
 * message i of a run is always the same, and the kinds follow an exact smooth weighted round robin, so any
 * window of one cycle (10 messages for 80/10/10) has exactly the configured ratios.
 * load-tests/lib/message.js implements the same mix for k6.
 */

export type MessageKind = 'gsm1' | 'ucs2' | 'gsm3';
export const MESSAGE_KINDS: readonly MessageKind[] = ['gsm1', 'ucs2', 'gsm3'];

/** Shares in percent (any positive numbers: they are normalised). */
export type MixWeights = Record<MessageKind, number>;
export const DEFAULT_MIX: MixWeights = { gsm1: 80, ucs2: 10, gsm3: 10 };

/** Segments each kind costs on the air (checked against the gateway's own analyser in the tests). */
export const SEGMENTS: Readonly<Record<MessageKind, number>> = { gsm1: 1, ucs2: 1, gsm3: 3 };

export interface BenchMessage {
  kind: MessageKind;
  to: string;
  from: string;
  text: string;
  /** Idempotency-Key and clientRef: `<runTag>-<index>`, unique within a run, tagging the run in the database. */
  key: string;
  segments: number;
}

/** Parses "80,10,10" (gsm1,ucs2,gsm3). */
export function parseMix(s: string): MixWeights {
  const parts = s.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n < 0) || parts.every((n) => n === 0)) {
    throw new Error(`a mix is three non-negative shares gsm1,ucs2,gsm3 (e.g. 80,10,10), got '${s}'`);
  }
  return { gsm1: parts[0]!, ucs2: parts[1]!, gsm3: parts[2]! };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The kinds of one cycle, interleaved by smooth weighted round robin (nginx's algorithm): 80/10/10 gives
 * ten entries, eight gsm1 spread between one ucs2 and one gsm3.
 */
export function mixCycle(w: MixWeights): MessageKind[] {
  // Integer weights (shares given with decimals are scaled up to 0.1 %).
  const ints = MESSAGE_KINDS.map((k) => Math.round(w[k] * 10));
  const g = ints.reduce((a, b) => gcd(a, b));
  const weights = ints.map((n) => n / g);
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const out: MessageKind[] = [];
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    out.push(MESSAGE_KINDS[best]!);
  }
  return out;
}

/** A cheap deterministic hash of an integer (for picking templates and numbers). */
function mix32(n: number): number {
  let x = (n ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

type Template = (r: number) => string;

// 96–140 GSM septets each: one segment.
const GSM1: Template[] = [
  (r) => `ACME: your verification code is ${pad(r % 1_000_000, 6)}. It expires in 10 minutes. Never share it: ACME staff will never ask you for this code.`,
  (r) => `Your order ${pad(r % 10_000_000, 7)} has been dispatched and arrives on ${DAYS[r % 7]}. Track it at acme.example/t/${pad(r % 10_000_000, 7)} or reply STOP to opt out.`,
  (r) => `Reminder: your appointment with Dr Smith is on ${DAYS[r % 7]} at ${pad(8 + (r % 10), 2)}:${pad((r >>> 8) % 60, 2)}. Reply YES to confirm or call 020 7946 0${pad(r % 1000, 3)} to change it.`,
  (r) => `Hi! Your table for ${2 + (r % 6)} at Luigi's is booked for tonight, 8pm. Please arrive 10 minutes early. To cancel, reply CANCEL ${pad(r % 100_000, 5)}.`,
];

// At most 70 UCS-2 code units: one segment.
const UCS2: Template[] = [
  (r) => `Ваш код подтверждения: ${pad(r % 1_000_000, 6)}. Никому его не сообщайте.`,
  (r) => `Ο κωδικός σας είναι ${pad(r % 1_000_000, 6)}. Ισχύει για 10 λεπτά.`,
  (r) => `您的验证码是${pad(r % 1_000_000, 6)}，10分钟内有效。请勿泄露给他人。`,
  (r) => `Votre colis 📦 ${pad(r % 10_000_000, 7)} arrive aujourd'hui entre 14h et 16h.`,
];

// 330–450 GSM septets each: three segments of 153.
const GSM3: Template[] = [
  (r) =>
    `Dear customer, your monthly statement for the account ending ${pad(r % 10_000, 4)} is now available. The amount due is GBP ${(r % 50_000) / 100 + 10} ` +
    `and the payment date is ${DAYS[r % 7]} next week. If you pay by direct debit, no action is needed: the payment will be collected automatically. ` +
    `To view the statement, log in to the ACME app or visit acme.example/statements. Questions? Call 0800 046 ${pad(r % 10_000, 4)}, Monday to Friday, 8am to 8pm.`,
  (r) =>
    `Service notice: planned maintenance on the ACME network will take place on ${DAYS[r % 7]} night between 00:30 and 04:30. During this window, mobile data ` +
    `and calls in your area (ref ${pad(r % 1_000_000, 6)}) may be interrupted for up to 20 minutes. Emergency calls to 112 and 999 will keep working at all times. ` +
    `We are sorry for any inconvenience. For live updates, see acme.example/status or reply INFO to this message.`,
];

export interface MixOptions {
  weights?: MixWeights;
  /** Distinguishes runs in keys (and in the database, through clientRef). [A-Za-z0-9_-]. */
  runTag: string;
  /** First destination number of this run (offsets runs so destinations stay distinct across a whole bench). */
  destinationBase?: number;
  from?: string;
}

export interface MessageMix {
  cycle: readonly MessageKind[];
  /** Message number `index` of the run (0-based, global across worker processes). */
  at(index: number): BenchMessage;
}

export function createMessageMix(o: MixOptions): MessageMix {
  const cycle = mixCycle(o.weights ?? DEFAULT_MIX);
  const base = o.destinationBase ?? 0;
  const from = o.from ?? 'ACME';
  return {
    cycle,
    at(index) {
      const kind = cycle[index % cycle.length]!;
      const r = mix32(index + base);
      const list = kind === 'gsm1' ? GSM1 : kind === 'ucs2' ? UCS2 : GSM3;
      const text = list[r % list.length]!(r >>> 3);
      // +4477 then 8 digits: 100 million distinct UK-mobile-shaped numbers.
      const to = `+4477${pad((base + index) % 100_000_000, 8)}`;
      return { kind, to, from, text, key: `${o.runTag}-${index}`, segments: SEGMENTS[kind] };
    },
  };
}

/** Mean segments per message of a mix (1.2 for 80/10/10). */
export function meanSegments(w: MixWeights = DEFAULT_MIX): number {
  const total = MESSAGE_KINDS.reduce((a, k) => a + w[k], 0);
  return MESSAGE_KINDS.reduce((a, k) => a + (w[k] * SEGMENTS[k]) / total, 0);
}
