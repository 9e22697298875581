/** How the simulated SMSC answers submits (throttling, rejections, receipts), changeable while it runs. */
import { AppError } from '../../internal/core/errors.js';
import { Status } from '../../internal/smpp/command-status.js';
import { isReceiptStat, type ReceiptStatName } from './receipt-format.js';

export interface Behaviour {
  receipts: boolean;
  receiptDelayMs: number;
  receiptStat: ReceiptStatName;
  /** 0..1: share of submits answered ESME_RTHROTTLED. */
  throttleShare: number;
  /** 0..1: share of submits answered ESME_RINVDSTADR. */
  rejectShare: number;
  /** Submits per second per session above which we answer ESME_RTHROTTLED; 0 = no limit. */
  maxTps: number;
  /** Answer each submit_sm this long after it arrived (one timer for all); 0 = at once. */
  respondDelayMs: number;
  /** 0..1: share of submits never answered at all (the ESME's response timeout must fire). */
  silentShare: number;
  /** Send the receipt (on the submitting session when it receives) and answer submit_sm only after its deliver_sm_resp. */
  receiptBeforeResp: boolean;
  /** SMPP 5.0 congestion_state (0..100) put in every submit_sm_resp; undefined = no such TLV. */
  congestionState: number | undefined;
  /** Sessions (by id) whose every submit is answered ESME_RTHROTTLED: an SMSC throttling one bind of an account. */
  throttleSessions: readonly number[];
}

/** A change to the behaviour: undefined leaves a field as it is; `congestionState: null` removes the TLV. */
export type BehaviourChange = Partial<Omit<Behaviour, 'congestionState'>> & { congestionState?: number | null | undefined };

export const DEFAULT_BEHAVIOUR: Behaviour = {
  receipts: true,
  receiptDelayMs: 0,
  receiptStat: 'DELIVRD',
  throttleShare: 0,
  rejectShare: 0,
  maxTps: 0,
  respondDelayMs: 0,
  silentShare: 0,
  receiptBeforeResp: false,
  congestionState: undefined,
  throttleSessions: [],
};

export class InvalidBehaviourError extends AppError {
  override readonly name = 'InvalidBehaviourError';
  constructor(message: string) {
    super('INVALID_BEHAVIOUR', message);
  }
}

function share(name: string, v: number): number {
  if (!(v >= 0 && v <= 1)) throw new InvalidBehaviourError(`${name} must be between 0 and 1, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidBehaviourError(`${name} must be a non-negative number, got ${v}`);
  return v;
}

/** `base` with `patch` applied; undefined fields in the patch leave the base value. */
export function applyBehaviour(base: Behaviour, patch: BehaviourChange): Behaviour {
  const b = { ...base };
  if (patch.receipts !== undefined) b.receipts = patch.receipts;
  if (patch.receiptDelayMs !== undefined) b.receiptDelayMs = nonNegative('receiptDelayMs', patch.receiptDelayMs);
  if (patch.receiptStat !== undefined) {
    if (!isReceiptStat(patch.receiptStat)) throw new InvalidBehaviourError(`unknown receiptStat ${String(patch.receiptStat)}`);
    b.receiptStat = patch.receiptStat;
  }
  if (patch.throttleShare !== undefined) b.throttleShare = share('throttleShare', patch.throttleShare);
  if (patch.rejectShare !== undefined) b.rejectShare = share('rejectShare', patch.rejectShare);
  if (patch.maxTps !== undefined) b.maxTps = nonNegative('maxTps', patch.maxTps);
  if (patch.respondDelayMs !== undefined) b.respondDelayMs = nonNegative('respondDelayMs', patch.respondDelayMs);
  if (patch.silentShare !== undefined) b.silentShare = share('silentShare', patch.silentShare);
  if (patch.receiptBeforeResp !== undefined) b.receiptBeforeResp = patch.receiptBeforeResp;
  if (patch.throttleSessions !== undefined) b.throttleSessions = [...patch.throttleSessions];
  if (patch.congestionState === null) b.congestionState = undefined;
  else if (patch.congestionState !== undefined) {
    const v = patch.congestionState;
    if (!(Number.isInteger(v) && v >= 0 && v <= 100)) throw new InvalidBehaviourError(`congestionState must be an integer 0..100, got ${v}`);
    b.congestionState = v;
  }
  return b;
}

/**
 * Token bucket per session: refills at maxTps per second and holds one second's worth, so a
 * sender at the limit is never throttled and one above it is throttled for the excess.
 */
export interface RateBucket {
  tokens: number;
  last: number;
}

export function createRateBucket(now: number): RateBucket {
  return { tokens: Number.POSITIVE_INFINITY, last: now };
}

function takeToken(bucket: RateBucket, maxTps: number, now: number): boolean {
  const capacity = Math.max(1, maxTps);
  bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.last) * maxTps) / 1000);
  bucket.last = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/** Whether this submit goes unanswered (drawn before everything else: the SMSC never looked at it). */
export function isSilent(b: Behaviour, random: () => number = Math.random): boolean {
  return b.silentShare > 0 && random() < b.silentShare;
}

/** The command_status for one submit: rate limit first, then the random shares. */
export function judgeSubmit(b: Behaviour, bucket: RateBucket, now: number, random: () => number = Math.random): number {
  if (b.maxTps > 0 && !takeToken(bucket, b.maxTps, now)) return Status.ESME_RTHROTTLED;
  if (b.throttleShare > 0 && random() < b.throttleShare) return Status.ESME_RTHROTTLED;
  if (b.rejectShare > 0 && random() < b.rejectShare) return Status.ESME_RINVDSTADR;
  return Status.ESME_ROK;
}
