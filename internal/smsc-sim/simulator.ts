/** A simulated SMSC for tests and load runs: accepts binds, answers submits per its behaviour, sends receipts and MO messages. */
import net from 'node:net';
import { AppError } from '../core/errors.js';
import { isResponseId } from '../smpp/command-id.js';
import { Status, statusName } from '../smpp/command-status.js';
import { createFramer } from '../smpp/framer.js';
import { noopLogger, type Logger } from '../smpp/logger.js';
import { HEADER_LENGTH, MAX_SHORT_MESSAGE, shortMessageFields, type BindMode, type BindPdu, type Pdu, type PduInit, type DeliverSmPdu, type ResponseFields, type SubmitSmPdu } from '../smpp/pdu.js';
import { createSession, type Session } from '../smpp/session.js';
import { Tlv, cStringValue, u16Value, u8Value, type TlvMap } from '../smpp/tlv.js';
import { segmentText } from '../sms/segment.js';
import { applyBehaviour, createRateBucket, DEFAULT_BEHAVIOUR, isSilent, judgeSubmit, type Behaviour, type RateBucket } from './behaviour.js';
import { createDelayQueue } from './delay-queue.js';
import { malformedPdu, type MalformedKind } from './malformed.js';
import { createMessageIdGenerator, type MessageIdFormat } from './message-id.js';
import { encodeMoText } from './mo-encoding.js';
import { formatReceiptText, ReceiptStat, receiptDate, receiptTextSnippet, wantsReceipt, type ReceiptStatName } from './receipt-format.js';
import { createReceiptQueue, type QueuedReceipt } from './receipt-queue.js';

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
  /** Our window for deliver_sm (receipts, MO); default 256. */
  windowSize?: number;
  /** Receipts held at most before new ones are dropped; default 1,000,000. */
  receiptQueueLimit?: number;
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
    'receipts' | 'receiptDelayMs' | 'receiptStat' | 'throttleShare' | 'rejectShare' | 'maxTps' | 'respondDelayMs' | 'silentShare' | 'receiptBeforeResp'
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
  /** The most submit_sm ever outstanding (received, not yet answered) on any one session. */
  maxOutstanding: number;
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
  /** deliver_sm esm_class 0 to a bound receiver or transceiver (round robin); resolves on deliver_sm_resp status 0. */
  /**
   * Sends an MO. Long text goes as one message_payload by default, or split into concatenated parts
   * (`concat: 'udh8' | 'sar'`), optionally sent in reverse order to exercise reassembly.
   */
  sendMo(opts: { from: string; to: string; text: string; concat?: 'udh8' | 'sar'; reverse?: boolean; reference?: number }): Promise<void>;
  stats(): SimulatorStats;
  close(): Promise<void>;
}

interface SimSession {
  id: number;
  session: Session;
  conn: Connection;
  systemId: string;
  receives: boolean;
  transmits: boolean;
  bucket: RateBucket;
  outstanding: number;
  maxOutstanding: number;
}

/** One accepted socket: its session and a tap that sees every frame the peer sends (for answers to raw PDUs). */
interface Connection {
  socket: net.Socket;
  session: Session;
  /** Waiting for a response with this sequence number. */
  waiters: Map<number, (answer: { commandId: number; status: number }) => void>;
}

interface ReceiverGroup {
  list: SimSession[];
  cursor: number;
}

/** A receipt that failed (non-zero deliver_sm_resp, timeout, session lost) is retried after this long, this many times. */
const RECEIPT_RETRY_DELAY_MS = 1_000;
const RECEIPT_MAX_ATTEMPTS = 10;
const ESM_CLASS_RECEIPT = 0x04;
const ESM_CLASS_UDHI = 0x40;
const EMPTY = Buffer.alloc(0);
/** Sequence numbers for raw PDUs we write ourselves: far above what a session's counter reaches in a test or load run. */
const RAW_SEQUENCE_BASE = 0x7fff0000;
/** Seconds of per-second submit counts kept. */
const PER_SECOND_KEPT = 3600;

function isBind(pdu: Pdu): pdu is BindPdu {
  return pdu.command === 'bind_receiver' || pdu.command === 'bind_transmitter' || pdu.command === 'bind_transceiver';
}

/** TON/NPI for an address given as text: '+digits' international E.164, digits unknown/E.164, else alphanumeric. */
function addressOf(s: string): { ton: number; npi: number; addr: string } {
  if (/^\+\d+$/.test(s)) return { ton: 1, npi: 1, addr: s.slice(1) };
  if (/^\d+$/.test(s)) return { ton: 0, npi: 1, addr: s };
  return { ton: 5, npi: 0, addr: s };
}

/** The user text of a submit: short_message or message_payload, without a UDH when esm_class says there is one. */
function userText(pdu: SubmitSmPdu): Buffer {
  const body = pdu.shortMessage.length > 0 ? pdu.shortMessage : (pdu.tlvs.get(Tlv.message_payload) ?? EMPTY);
  if ((pdu.esmClass & ESM_CLASS_UDHI) !== 0 && body.length > 0) return body.subarray(Math.min(body.length, 1 + body[0]!));
  return body;
}

function modeOf(bind: BindPdu): BindMode {
  return bind.command === 'bind_receiver' ? 'receiver' : bind.command === 'bind_transmitter' ? 'transmitter' : 'transceiver';
}

export async function startSmscSimulator(opts: SimulatorOptions = {}): Promise<SmscSimulator> {
  const log = opts.log ?? noopLogger;
  let behaviour: Behaviour = applyBehaviour(DEFAULT_BEHAVIOUR, {
    receipts: opts.receipts,
    receiptDelayMs: opts.receiptDelayMs,
    receiptStat: opts.receiptStat,
    throttleShare: opts.throttleShare,
    rejectShare: opts.rejectShare,
    maxTps: opts.maxTps,
    respondDelayMs: opts.respondDelayMs,
    silentShare: opts.silentShare,
    receiptBeforeResp: opts.receiptBeforeResp,
    congestionState: opts.congestionState,
  });
  const nextMessageId = createMessageIdGenerator(opts.messageIdFormat ?? 'hex');
  const queue = createReceiptQueue(opts.receiptQueueLimit ?? 1_000_000);
  const submitListeners: Array<(s: SimulatedSubmit) => void> = [];
  const attemptListeners: Array<(s: SubmitAttempt) => void> = [];
  const counters = { binds: 0, unbinds: 0, submits: 0, attempts: 0, receiptsSent: 0, throttled: 0, rejected: 0, silent: 0, receiptsDropped: 0 };
  const perSecond = new Map<number, SecondCount>();
  const delayed = createDelayQueue();
  const connections = new Set<Connection>();
  let maxOutstanding = 0;
  let nextRawSequence = RAW_SEQUENCE_BASE;
  const sessionsById = new Map<number, SimSession>();
  const receivers = new Map<string, ReceiverGroup>();
  /** Systems whose due receipts found no session with room; woken by onWritable or a new bind. */
  const blocked = new Set<string>();
  let nextSessionId = 1;
  let moCursor = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Number.POSITIVE_INFINITY;
  let closed = false;

  // ---- receipts: one timer over a due-ordered queue ----

  function schedule(due: number): void {
    if (closed || due >= timerDue) return;
    if (timer) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(pump, Math.max(0, due - Date.now()));
  }

  function pickReceiver(systemId: string, preferredId: number): SimSession | undefined {
    const preferred = sessionsById.get(preferredId);
    if (preferred?.receives && preferred.session.free() > 0) return preferred;
    const group = receivers.get(systemId);
    if (!group) return undefined;
    const n = group.list.length;
    for (let i = 0; i < n; i++) {
      const idx = (group.cursor + i) % n;
      const s = group.list[idx]!;
      if (s.session.free() > 0) {
        group.cursor = (idx + 1) % n;
        return s;
      }
    }
    return undefined;
  }

  function pump(): void {
    timer = undefined;
    timerDue = Number.POSITIVE_INFINITY;
    if (closed) return;
    const now = Date.now();
    for (const systemId of queue.systems()) {
      if (blocked.has(systemId)) continue;
      for (;;) {
        const head = queue.peek(systemId);
        if (!head || head.dueAt > now) break;
        const target = pickReceiver(systemId, head.preferredSessionId);
        if (!target) {
          blocked.add(systemId);
          break;
        }
        queue.shift(systemId);
        sendReceipt(target, head, now);
      }
    }
    const next = queue.earliestDue(blocked);
    if (next !== undefined) schedule(next);
  }

  function wake(systemId: string): void {
    blocked.delete(systemId);
    const head = queue.peek(systemId);
    if (head) schedule(head.dueAt);
  }

  function enqueue(r: QueuedReceipt): void {
    if (!queue.push(r)) {
      counters.receiptsDropped++;
      if (counters.receiptsDropped === 1 || counters.receiptsDropped % 10_000 === 0) {
        log.warn({ dropped: counters.receiptsDropped, queued: queue.size }, 'smsc-sim receipt queue full; receipts dropped');
      }
      return;
    }
    if (!blocked.has(r.systemId)) schedule(r.dueAt);
  }

  function receiptPdu(r: QueuedReceipt, now: number): PduInit<DeliverSmPdu> {
    const stat = r.stat;
    const text = formatReceiptText({
      id: r.smscMessageId,
      stat,
      submitDate: receiptDate(r.submittedAt),
      doneDate: receiptDate(now),
      text: r.text,
    });
    const tlvs: TlvMap = new Map([
      [Tlv.receipted_message_id, cStringValue(r.smscMessageId)],
      [Tlv.message_state, u8Value(ReceiptStat[stat].state)],
    ]);
    return {
      command: 'deliver_sm',
      ...shortMessageFields({
        sourceAddrTon: r.destAddrTon,
        sourceAddrNpi: r.destAddrNpi,
        sourceAddr: r.destinationAddr,
        destAddrTon: r.sourceAddrTon,
        destAddrNpi: r.sourceAddrNpi,
        destinationAddr: r.sourceAddr,
        esmClass: ESM_CLASS_RECEIPT,
        dataCoding: 0,
        shortMessage: Buffer.from(text, 'latin1'),
      }),
      tlvs,
    };
  }

  function sendReceipt(target: SimSession, r: QueuedReceipt, now: number): void {
    counters.receiptsSent++;
    target.session.request(receiptPdu(r, now)).then(
      (resp) => {
        if (resp.status !== 0) retryReceipt(r, `deliver_sm_resp ${statusName(resp.status)}`);
      },
      (err: unknown) => retryReceipt(r, err instanceof Error ? err.message : String(err)),
    );
  }

  function retryReceipt(r: QueuedReceipt, why: string): void {
    if (closed) return;
    r.attempts++;
    if (r.attempts >= RECEIPT_MAX_ATTEMPTS) {
      counters.receiptsDropped++;
      log.warn({ smscMessageId: r.smscMessageId, why }, 'smsc-sim receipt given up');
      return;
    }
    log.debug({ smscMessageId: r.smscMessageId, attempts: r.attempts, why }, 'smsc-sim receipt will be retried');
    r.dueAt = Date.now() + RECEIPT_RETRY_DELAY_MS;
    r.preferredSessionId = 0;
    enqueue(r);
  }

  // ---- submits ----

  function countSecond(now: number): SecondCount {
    const second = Math.floor(now / 1000);
    let c = perSecond.get(second);
    if (!c) {
      c = { second, attempts: 0, submits: 0 };
      perSecond.set(second, c);
      if (perSecond.size > PER_SECOND_KEPT) perSecond.delete(perSecond.keys().next().value!);
    }
    return c;
  }

  /** What every submit listener sees of a submit_sm, accepted or not. */
  function submitView(sim: SimSession, pdu: SubmitSmPdu, now: number): Omit<SimulatedSubmit, 'smscMessageId'> {
    return {
      sessionId: sim.id,
      systemId: sim.systemId,
      sourceAddr: pdu.sourceAddr,
      destinationAddr: pdu.destinationAddr,
      dataCoding: pdu.dataCoding,
      esmClass: pdu.esmClass,
      shortMessage: pdu.shortMessage,
      tlvs: pdu.tlvs,
      at: now,
    };
  }

  /** A listener that throws is logged and does not stop the others, nor the simulator. */
  function notify<T>(listeners: readonly ((v: T) => void)[], value: T, what: string): void {
    for (const l of listeners) {
      try {
        l(value);
      } catch (err) {
        log.error({ err }, `smsc-sim ${what} listener threw`);
      }
    }
  }

  function emitAttempt(sim: SimSession, pdu: SubmitSmPdu, now: number, outcome: SubmitAttempt['outcome'], status: number | undefined, smscMessageId?: string): void {
    if (attemptListeners.length === 0) return;
    notify(attemptListeners, { ...submitView(sim, pdu, now), smscMessageId, outcome, status }, 'onSubmitAttempt');
  }

  /** Sends a receipt now, on the submitting session if it receives (else another receiver), resolving after its deliver_sm_resp. */
  function sendReceiptFirst(sim: SimSession, r: QueuedReceipt, now: number): Promise<void> | undefined {
    const target = pickReceiver(sim.systemId, sim.id);
    if (!target) {
      enqueue(r);
      return undefined;
    }
    counters.receiptsSent++;
    return target.session.request(receiptPdu(r, now)).then(
      (resp) => {
        if (resp.status !== 0) retryReceipt(r, `deliver_sm_resp ${statusName(resp.status)}`);
      },
      (err: unknown) => retryReceipt(r, err instanceof Error ? err.message : String(err)),
    );
  }

  function onSubmit(sim: SimSession, pdu: SubmitSmPdu): ResponseFields | Promise<ResponseFields> {
    if (!sim.transmits) return { status: Status.ESME_RINVBNDSTS };
    const now = Date.now();
    const b = behaviour;
    counters.attempts++;
    const second = countSecond(now);
    second.attempts++;
    if (isSilent(b)) {
      counters.silent++;
      emitAttempt(sim, pdu, now, 'silent', undefined);
      // Never settles: the session never answers it, and the promise is collected with the session.
      return new Promise<ResponseFields>(() => {});
    }
    const tlvs: TlvMap | undefined = b.congestionState !== undefined ? new Map([[Tlv.congestion_state, u8Value(b.congestionState)]]) : undefined;
    const status = judgeSubmit(b, sim.bucket, now);
    let fields: ResponseFields;
    let receiptFirst: Promise<void> | undefined;
    if (status !== Status.ESME_ROK) {
      if (status === Status.ESME_RTHROTTLED) counters.throttled++;
      else counters.rejected++;
      emitAttempt(sim, pdu, now, status === Status.ESME_RTHROTTLED ? 'throttled' : 'rejected', status);
      fields = { status, tlvs };
    } else {
      const smscMessageId = nextMessageId();
      counters.submits++;
      second.submits++;
      if (submitListeners.length > 0) notify(submitListeners, { ...submitView(sim, pdu, now), smscMessageId }, 'onSubmit');
      emitAttempt(sim, pdu, now, 'ok', status, smscMessageId);
      if (b.receipts && wantsReceipt(pdu.registeredDelivery, b.receiptStat)) {
        const r: QueuedReceipt = {
          dueAt: now + b.receiptDelayMs,
          systemId: sim.systemId,
          preferredSessionId: sim.id,
          smscMessageId,
          sourceAddrTon: pdu.sourceAddrTon,
          sourceAddrNpi: pdu.sourceAddrNpi,
          sourceAddr: pdu.sourceAddr,
          destAddrTon: pdu.destAddrTon,
          destAddrNpi: pdu.destAddrNpi,
          destinationAddr: pdu.destinationAddr,
          submittedAt: now,
          stat: b.receiptStat,
          text: receiptTextSnippet(userText(pdu)),
          attempts: 0,
        };
        if (b.receiptBeforeResp) receiptFirst = sendReceiptFirst(sim, r, now);
        else enqueue(r);
      }
      fields = { status: Status.ESME_ROK, messageId: smscMessageId, tlvs };
    }
    sim.outstanding++;
    if (sim.outstanding > sim.maxOutstanding) {
      sim.maxOutstanding = sim.outstanding;
      if (sim.outstanding > maxOutstanding) maxOutstanding = sim.outstanding;
    }
    if (!receiptFirst && b.respondDelayMs <= 0) {
      sim.outstanding--;
      return fields;
    }
    const dueAt = now + b.respondDelayMs;
    return new Promise<ResponseFields>((resolve) => {
      const answer = (): void => {
        sim.outstanding--;
        resolve(fields);
      };
      const later = (): void => {
        if (dueAt <= Date.now()) answer();
        else delayed.add(dueAt, answer);
      };
      if (receiptFirst) void receiptFirst.then(later);
      else later();
    });
  }

  function onRequest(sim: SimSession, pdu: Pdu): ResponseFields | Promise<ResponseFields> {
    if (pdu.command === 'submit_sm') return onSubmit(sim, pdu);
    // deliver_sm flows SMSC → ESME, and data_sm is not simulated.
    return { status: Status.ESME_RINVCMDID };
  }

  // ---- sessions ----

  function addSession(conn: Connection, bind: BindPdu): void {
    const session = conn.session;
    const mode = modeOf(bind);
    const sim: SimSession = {
      id: nextSessionId++,
      session,
      conn,
      systemId: bind.systemId,
      receives: mode !== 'transmitter',
      transmits: mode !== 'receiver',
      bucket: createRateBucket(Date.now()),
      outstanding: 0,
      maxOutstanding: 0,
    };
    counters.binds++;
    sessionsById.set(sim.id, sim);
    session.onRequest((pdu) => onRequest(sim, pdu));
    session.onClose((reason) => {
      if (reason === 'peer_unbind') counters.unbinds++;
      sessionsById.delete(sim.id);
      const group = receivers.get(sim.systemId);
      if (group) {
        group.list = group.list.filter((s) => s !== sim);
        group.cursor = 0;
        if (group.list.length === 0) receivers.delete(sim.systemId);
      }
    });
    if (sim.receives) {
      let group = receivers.get(sim.systemId);
      if (!group) {
        group = { list: [], cursor: 0 };
        receivers.set(sim.systemId, group);
      }
      group.list.push(sim);
      session.onWritable(() => wake(sim.systemId));
      wake(sim.systemId);
    }
    log.info({ sessionId: sim.id, systemId: sim.systemId, mode }, 'smsc-sim session bound');
  }

  // ---- connections: our own listener, so that raw PDUs can be written and the answers to them seen ----

  const sessionOptions = {
    windowSize: opts.windowSize ?? 256,
    responseTimeoutMs: 10_000,
    enquireLinkIntervalMs: 30_000,
    enquireLinkTimeoutMs: 10_000,
    log,
  };

  function judgeBind(bind: BindPdu): number {
    if (opts.systemId !== undefined && bind.systemId !== opts.systemId) return Status.ESME_RINVSYSID;
    if (opts.password !== undefined && bind.password !== opts.password) return Status.ESME_RINVPASWD;
    return Status.ESME_ROK;
  }

  function tap(conn: Connection): void {
    const framer = createFramer({ maxPduLength: 1 << 20 });
    const onFrame = (frame: Buffer): void => {
      if (conn.waiters.size === 0 || frame.length < HEADER_LENGTH) return;
      const commandId = frame.readUInt32BE(4);
      if (!isResponseId(commandId)) return;
      const sequence = frame.readUInt32BE(12);
      const w = conn.waiters.get(sequence);
      if (!w) return;
      conn.waiters.delete(sequence);
      w({ commandId, status: frame.readUInt32BE(8) });
    };
    conn.socket.on('data', (chunk: Buffer) => {
      framer.push(chunk, onFrame);
    });
  }

  function accept(socket: net.Socket): void {
    if (closed) {
      socket.destroy();
      return;
    }
    const session = createSession(socket, sessionOptions);
    const conn: Connection = { socket, session, waiters: new Map() };
    connections.add(conn);
    tap(conn);
    session.onClose(() => connections.delete(conn));
    let bound: BindPdu | undefined;
    session.onRequest((pdu) => {
      // Before the bind only bind_* get here; addSession replaces this handler once bound.
      if (!isBind(pdu)) return { status: Status.ESME_RINVBNDSTS };
      const status = judgeBind(pdu);
      if (status === 0) bound = pdu;
      else setImmediate(() => session.close('local', { flush: true }));
      return { status, systemId: 'smsc-sim', tlvs: new Map([[Tlv.sc_interface_version, u8Value(0x34)]]) };
    });
    session.onBound(() => {
      if (bound) addSession(conn, bound);
    });
  }

  const server = net.createServer(accept);
  server.on('error', (err: Error) => log.error({ err }, 'smsc-sim server error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);

  async function sendMalformed(kind: MalformedKind, o: { timeoutMs?: number } = {}): Promise<MalformedAnswer[]> {
    const timeoutMs = o.timeoutMs ?? 2_000;
    const targets = [...sessionsById.values()].filter((s) => s.session.state === 'bound');
    return Promise.all(
      targets.map(
        (sim) =>
          new Promise<MalformedAnswer>((resolve) => {
            const sequence = nextRawSequence++;
            const timer = setTimeout(() => {
              sim.conn.waiters.delete(sequence);
              resolve({ sessionId: sim.id, systemId: sim.systemId, sequence, answer: undefined });
            }, timeoutMs);
            sim.conn.waiters.set(sequence, (answer) => {
              clearTimeout(timer);
              resolve({ sessionId: sim.id, systemId: sim.systemId, sequence, answer });
            });
            sim.conn.socket.write(malformedPdu(kind, sequence));
          }),
      ),
    );
  }

  async function sendMo(mo: { from: string; to: string; text: string; concat?: 'udh8' | 'sar'; reverse?: boolean; reference?: number }): Promise<void> {
    const candidates = [...sessionsById.values()].filter((s) => s.receives && s.session.state === 'bound');
    if (candidates.length === 0) throw new AppError('NO_RECEIVER', 'no receiver or transceiver session is bound');
    const target = candidates[moCursor++ % candidates.length]!;
    const from = addressOf(mo.from);
    const to = addressOf(mo.to);
    const addr = { sourceAddrTon: from.ton, sourceAddrNpi: from.npi, sourceAddr: from.addr, destAddrTon: to.ton, destAddrNpi: to.npi, destinationAddr: to.addr };
    const pdus: { dataCoding: number; esmClass: number; shortMessage: Buffer; tlvs: Map<number, Buffer> | undefined }[] = [];
    if (mo.concat) {
      const { parts } = segmentText(mo.text, { concat: mo.concat, reference: mo.reference ?? 0x42 });
      for (const p of parts) {
        const tlvs = p.sar
          ? new Map([
              [Tlv.sar_msg_ref_num, u16Value(p.sar.refNum)],
              [Tlv.sar_total_segments, u8Value(p.sar.total)],
              [Tlv.sar_segment_seqnum, u8Value(p.sar.seq)],
            ])
          : undefined;
        pdus.push({ dataCoding: p.dataCoding, esmClass: p.esmClass, shortMessage: p.shortMessage, tlvs });
      }
      if (mo.reverse) pdus.reverse();
    } else {
      const { dataCoding, bytes } = encodeMoText(mo.text);
      const long = bytes.length > MAX_SHORT_MESSAGE;
      pdus.push({ dataCoding, esmClass: 0, shortMessage: long ? EMPTY : bytes, tlvs: long ? new Map([[Tlv.message_payload, bytes]]) : undefined });
    }
    for (const p of pdus) {
      const resp = await target.session.request({
        command: 'deliver_sm',
        ...shortMessageFields({ ...addr, dataCoding: p.dataCoding, esmClass: p.esmClass, shortMessage: p.shortMessage }),
        tlvs: p.tlvs,
      });
      if (resp.status !== 0) throw new AppError('MO_REJECTED', `deliver_sm answered ${statusName(resp.status)}`);
    }
  }

  return {
    port,
    onSubmit(listener) {
      submitListeners.push(listener);
    },
    onSubmitAttempt(listener) {
      attemptListeners.push(listener);
    },
    setBehaviour(patch) {
      behaviour = applyBehaviour(behaviour, patch);
    },
    sendMalformed,
    dropAllConnections() {
      for (const c of connections) c.session.close('local');
    },
    sendMo,
    stats: () => ({
      ...counters,
      receiptsQueued: queue.size,
      maxOutstanding,
      sessions: [...sessionsById.values()].map((s) => ({ id: s.id, systemId: s.systemId, outstanding: s.outstanding, maxOutstanding: s.maxOutstanding })),
      submitsPerSecond: [...perSecond.values()].map((c) => ({ ...c })),
    }),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      queue.clear();
      delayed.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of connections) c.session.close('local');
      });
    },
  };
}
