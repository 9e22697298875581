/**
 * Writes malformed PDUs (see malformed.ts) straight to the sockets, past the session, and matches each
 * ESME's answer by sequence number from a tap on the incoming frames.
 */
import { isResponseId } from '../../internal/smpp/command-id.js';
import { createFramer } from '../../internal/smpp/framer.js';
import { HEADER_LENGTH } from '../../internal/smpp/pdu.js';
import { malformedPdu, type MalformedKind } from './malformed.js';
import type { Connection, SessionRegistry } from './session-registry.js';
import type { MalformedAnswer } from './simulator-api.js';

/** Sequence numbers for raw PDUs we write ourselves: far above what a session's counter reaches in a test or load run. */
const RAW_SEQUENCE_BASE = 0x7fff0000;

/** Hands every response the peer sends on this connection to the waiter for its sequence number, if any. */
export function tapAnswers(conn: Connection): void {
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

export function createMalformedProbe(sessions: SessionRegistry): (kind: MalformedKind, o?: { timeoutMs?: number }) => Promise<MalformedAnswer[]> {
  let nextRawSequence = RAW_SEQUENCE_BASE;

  return async function sendMalformed(kind, o = {}) {
    const timeoutMs = o.timeoutMs ?? 2_000;
    const targets = [...sessions.all()].filter((s) => s.session.state === 'bound');
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
  };
}
