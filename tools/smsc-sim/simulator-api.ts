/** The simulator's public types: its options, what it reports of submits and sessions, and the handle it returns. */
import type { Logger } from '../../internal/smpp/logger.js';
import type { MalformedKind } from './malformed.js';
import type { MessageIdFormat } from './message-id.js';
import type { ReceiptStatName } from './receipt-format.js';

export interface SimulatorOptions {
  /** Default: every interface. */
  host?: string;
  /** 0 = a free port (the default). */
  port?: number;
  /** When set, binds with another system_id get ESME_RINVSYSID (0x0F). */
  systemId?: string;
  /** When set, binds with another password get ESME_RINVPASWD (0x0E). */
  password?: string;
  /** Default true: a receipt for every accepted submit_sm that asks for one (registered_delivery). */
  receipts?: boolean;
  /** Default 0. */
  receiptDelayMs?: number;
  /** Default DELIVRD. */
  receiptStat?: ReceiptStatName;
  /** Default hex; the receipt's id: field and receipted_message_id use the same. */
  messageIdFormat?: MessageIdFormat;
  /** 0..1: share of submits answered ESME_RTHROTTLED. */
  throttleShare?: number;
  /** 0..1: share of submits answered ESME_RINVDSTADR. */
  rejectShare?: number;
  /** Submits per second per session above which we answer ESME_RTHROTTLED. */
  maxTps?: number;
  /** Answer every submit_sm this long after it arrived (default 0), so an ESME's window can fill. */
  respondDelayMs?: number;
  /** 0..1: share of submits never answered (response timeouts at the ESME). */
  silentShare?: number;
  /** Send each receipt before the submit_sm_resp, and answer the submit only once the receipt's deliver_sm_resp is in. */
  receiptBeforeResp?: boolean;
  /** SMPP 5.0 congestion_state TLV (0x0428, 0..100) in every submit_sm_resp; unset = none. */
  congestionState?: number;
  /** Sessions (by id) whose every submit is answered ESME_RTHROTTLED (one bind of an account throttled). */
  throttleSessions?: number[];
  /** Our window for deliver_sm (receipts, MO); default 256. */
  windowSize?: number;
  /** Receipts held at most before new ones are dropped; default 1,000,000. */
  receiptQueueLimit?: number;
  /**
   * Times a receipt is offered before it is given up (default 10, one second apart); 1 = an SMSC that never re-sends
   * a receipt the ESME refused.
   */
  receiptAttempts?: number;
  log?: Logger;
}

export interface SimulatedSubmit {
  smscMessageId: string;
  sessionId: number;
  systemId: string;
  sourceAddr: string;
  destinationAddr: string;
  dataCoding: number;
  esmClass: number;
  shortMessage: Buffer;
  /** As sent ("" when absent). */
  validityPeriod: string;
  tlvs: Map<number, Buffer>;
  at: number;
}

/** One submit_sm as received, whatever became of it. */
export interface SubmitAttempt extends Omit<SimulatedSubmit, 'smscMessageId'> {
  /** Set when accepted. */
  smscMessageId: string | undefined;
  outcome: 'ok' | 'throttled' | 'rejected' | 'silent';
  /** The command_status answered; undefined when silent. */
  status: number | undefined;
}

/** `congestionState: null` removes the TLV again; other undefined fields leave the behaviour as it is. */
export type BehaviourPatch = Partial<
  Pick<
    SimulatorOptions,
    | 'receipts'
    | 'receiptDelayMs'
    | 'receiptStat'
    | 'throttleShare'
    | 'rejectShare'
    | 'maxTps'
    | 'respondDelayMs'
    | 'silentShare'
    | 'receiptBeforeResp'
    | 'throttleSessions'
  >
> & { congestionState?: number | null };

export interface SecondCount {
  /** Epoch second (Math.floor(ms / 1000)). */
  second: number;
  /** submit_sm received (accepted, throttled, rejected or left silent). */
  attempts: number;
  /** submit_sm accepted (answered ESME_ROK). */
  submits: number;
}

export interface SessionStats {
  id: number;
  systemId: string;
  /** submit_sm received and not yet answered (silent ones excluded: they are never answered). */
  outstanding: number;
  maxOutstanding: number;
}

export interface SimulatorStats {
  binds: number;
  /** Sessions the ESME ended with unbind (a clean shutdown), as opposed to a dropped connection. */
  unbinds: number;
  /** Accepted submit_sm. */
  submits: number;
  /** Every submit_sm received on a transmitting session. */
  attempts: number;
  receiptsSent: number;
  throttled: number;
  rejected: number;
  /** submit_sm left unanswered by silentShare. */
  silent: number;
  receiptsQueued: number;
  receiptsDropped: number;
  /** deliver_sm receipts the ESME answered with an error status. */
  receiptsRefused: number;
  /** The most submit_sm ever outstanding (received, not yet answered) on any one session. */
  maxOutstanding: number;
  /** The most sessions ever bound at once (an SMSC's limit on an account's binds is on this). */
  maxSessions: number;
  /** Live sessions. */
  sessions: SessionStats[];
  /** Per wall-clock second, oldest first (the last hour at most). */
  submitsPerSecond: SecondCount[];
}

/** What one session answered to a malformed PDU; `answer` is undefined when nothing came within the timeout. */
export interface MalformedAnswer {
  sessionId: number;
  systemId: string;
  sequence: number;
  answer: { commandId: number; status: number } | undefined;
}

export interface SmscSimulator {
  readonly port: number;
  /** Every accepted submit_sm. */
  onSubmit(listener: (s: SimulatedSubmit) => void): void;
  /** Every submit_sm received on a transmitting session, accepted or not, silent ones included. */
  onSubmitAttempt(listener: (s: SubmitAttempt) => void): void;
  setBehaviour(patch: BehaviourPatch): void;
  /**
   * Writes a malformed PDU (see malformed.ts) to every bound session and resolves with what each answered
   * (matched by sequence number), or undefined for a session that said nothing within timeoutMs (default 2 s).
   */
  sendMalformed(kind: MalformedKind, opts?: { timeoutMs?: number }): Promise<MalformedAnswer[]>;
  /** Destroys every socket at once, as a crashed SMSC or a cut link would. */
  dropAllConnections(): void;
  /**
   * A cut link rather than a crash: while unreachable, every session is dropped and new connections are closed at
   * once; submitted messages and their queued receipts stay, and go out on the first bind once reachable again.
   */
  setReachable(up: boolean): void;
  /** deliver_sm esm_class 0 to a bound receiver or transceiver (round robin); resolves on deliver_sm_resp status 0. */
  /**
   * Sends an MO. Long text goes as one message_payload by default, or split into concatenated parts
   * (`concat: 'udh8' | 'sar'`), optionally sent in reverse order to exercise reassembly.
   */
  sendMo(opts: { from: string; to: string; text: string; concat?: 'udh8' | 'sar'; reverse?: boolean; reference?: number }): Promise<void>;
  stats(): SimulatorStats;
  close(): Promise<void>;
}
