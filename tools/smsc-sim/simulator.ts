/** A simulated SMSC for tests and load runs: accepts binds, answers submits per its behaviour, sends receipts and MO messages. */
import net from 'node:net';
import { Status } from '../../internal/smpp/command-status.js';
import { noopLogger } from '../../internal/smpp/logger.js';
import type { BindMode, BindPdu, Pdu, ResponseFields } from '../../internal/smpp/pdu.js';
import { createSession } from '../../internal/smpp/session.js';
import { Tlv, u8Value } from '../../internal/smpp/tlv.js';
import { applyBehaviour, createRateBucket, DEFAULT_BEHAVIOUR, type Behaviour } from './behaviour.js';
import { createDelayQueue } from './delay-queue.js';
import { createMalformedProbe, tapAnswers } from './malformed-probe.js';
import { createMessageIdGenerator } from './message-id.js';
import { createMoSender } from './mo-sender.js';
import { createReceiptSender } from './receipt-sender.js';
import { createSessionRegistry, type Connection, type SimSession } from './session-registry.js';
import { createSimStats } from './sim-stats.js';
import type { SimulatedSubmit, SimulatorOptions, SmscSimulator, SubmitAttempt } from './simulator-api.js';
import { createSubmitHandler } from './submit-handler.js';

export type {
  BehaviourPatch,
  MalformedAnswer,
  SecondCount,
  SessionStats,
  SimulatedSubmit,
  SimulatorOptions,
  SimulatorStats,
  SmscSimulator,
  SubmitAttempt,
} from './simulator-api.js';

function isBind(pdu: Pdu): pdu is BindPdu {
  return pdu.command === 'bind_receiver' || pdu.command === 'bind_transmitter' || pdu.command === 'bind_transceiver';
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
    throttleSessions: opts.throttleSessions,
  });
  const submitListeners: Array<(s: SimulatedSubmit) => void> = [];
  const attemptListeners: Array<(s: SubmitAttempt) => void> = [];
  const book = createSimStats();
  const counters = book.counters;
  const delayed = createDelayQueue();
  const connections = new Set<Connection>();
  const sessions = createSessionRegistry();
  let nextSessionId = 1;
  let closed = false;
  /** A cut link (setReachable(false)): connections are refused, state and queued receipts are kept. */
  let unreachable = false;
  const receipts = createReceiptSender({
    queueLimit: opts.receiptQueueLimit ?? 1_000_000,
    ...(opts.receiptAttempts !== undefined ? { maxAttempts: opts.receiptAttempts } : {}),
    sessions,
    counters,
    log,
    isClosed: () => closed,
  });
  const onSubmit = createSubmitHandler({
    behaviour: () => behaviour,
    nextMessageId: createMessageIdGenerator(opts.messageIdFormat ?? 'hex'),
    stats: book,
    receipts,
    delayed,
    submitListeners,
    attemptListeners,
    log,
  });

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
    sessions.add(sim);
    book.raiseMaxSessions([...sessions.all()].length);
    session.onRequest((pdu) => onRequest(sim, pdu));
    session.onClose((reason) => {
      if (reason === 'peer_unbind') counters.unbinds++;
      sessions.remove(sim);
    });
    if (sim.receives) {
      sessions.addReceiver(sim);
      session.onWritable(() => receipts.wake(sim.systemId));
      receipts.wake(sim.systemId);
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

  function accept(socket: net.Socket): void {
    if (closed || unreachable) {
      socket.destroy();
      return;
    }
    const session = createSession(socket, sessionOptions);
    const conn: Connection = { socket, session, waiters: new Map() };
    connections.add(conn);
    tapAnswers(conn);
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
    sendMalformed: createMalformedProbe(sessions),
    dropAllConnections() {
      for (const c of connections) c.session.close('local');
    },
    setReachable(up) {
      unreachable = !up;
      if (!up) for (const c of connections) c.session.close('local');
    },
    sendMo: createMoSender(sessions),
    stats: () => book.snapshot(sessions.all(), receipts.queued),
    async close() {
      closed = true;
      receipts.stop();
      delayed.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of connections) c.session.close('local');
      });
    },
  };
}
