/** The simulator's bound sessions: by id, and per system_id the ones that receive, picked round robin for receipts. */
import type { Socket } from 'node:net';
import type { Session } from '../../internal/smpp/session.js';
import type { RateBucket } from './behaviour.js';

export interface SimSession {
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
export interface Connection {
  socket: Socket;
  session: Session;
  /** Waiting for a response with this sequence number. */
  waiters: Map<number, (answer: { commandId: number; status: number }) => void>;
}

interface ReceiverGroup {
  list: SimSession[];
  cursor: number;
}

export interface SessionRegistry {
  add(sim: SimSession): void;
  /** Makes a receiving session a candidate for its system's receipts. */
  addReceiver(sim: SimSession): void;
  remove(sim: SimSession): void;
  all(): IterableIterator<SimSession>;
  /** The preferred session when it receives and has room in its window, else the next receiver of the system with room. */
  pickReceiver(systemId: string, preferredId: number): SimSession | undefined;
}

export function createSessionRegistry(): SessionRegistry {
  const sessionsById = new Map<number, SimSession>();
  const receivers = new Map<string, ReceiverGroup>();

  return {
    add(sim) {
      sessionsById.set(sim.id, sim);
    },
    addReceiver(sim) {
      let group = receivers.get(sim.systemId);
      if (!group) {
        group = { list: [], cursor: 0 };
        receivers.set(sim.systemId, group);
      }
      group.list.push(sim);
    },
    remove(sim) {
      sessionsById.delete(sim.id);
      const group = receivers.get(sim.systemId);
      if (group) {
        group.list = group.list.filter((s) => s !== sim);
        group.cursor = 0;
        if (group.list.length === 0) receivers.delete(sim.systemId);
      }
    },
    all: () => sessionsById.values(),
    pickReceiver(systemId, preferredId) {
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
    },
  };
}
