/**
 * What an edge knows of each carrier for routing, read every few seconds and never per message: its bound sessions,
 * from every connector's answer to the bind-status request (core NATS scatter-gather), and its backlog, from its
 * connector consumer (messages waiting plus in flight). One request and one consumer-info call per carrier a round.
 */
import type { Bus } from './connection.js';
import { Durables, Streams, Subjects } from './subjects.js';

export interface CarrierReading {
  carrier: string;
  bound: number;
  /** undefined when the consumer could not be read this round. */
  backlog: number | undefined;
}

/** How long connectors are given to answer (they answer from memory, at once). */
const ANSWER_WAIT_MS = 300;

export async function readCarrierCensus(bus: Pick<Bus, 'nc' | 'jsm'>, carriers: readonly string[]): Promise<CarrierReading[]> {
  const bound = new Map<string, number>();
  try {
    const replies = await bus.nc.requestMany(Subjects.bindStatus, undefined, { strategy: 'timer', maxWait: ANSWER_WAIT_MS });
    for await (const m of replies) {
      try {
        for (const b of m.json<{ carrier: string; state: string }[]>()) if (b.state === 'bound') bound.set(b.carrier, (bound.get(b.carrier) ?? 0) + 1);
      } catch {
        // a malformed answer counts as no binds from that connector
      }
    }
  } catch {
    // No responders: no connector runs, so nothing is bound. Only a lasting silence (routing.downAfterS) moves traffic.
  }
  return Promise.all(
    carriers.map(async (carrier) => {
      let backlog: number | undefined;
      try {
        const c = await bus.jsm.consumers.info(Streams.mt, Durables.connector(carrier));
        backlog = c.num_pending + c.num_ack_pending;
      } catch {
        backlog = undefined;
      }
      return { carrier, bound: bound.get(carrier) ?? 0, backlog };
    }),
  );
}

export interface CarrierWatch {
  stop(): void;
}

/**
 * Reads the census every `everyMs` (never two rounds at once) while NATS is connected; a round without NATS reports
 * nothing, so what was known stands rather than every carrier looking unbound.
 */
export function startCarrierWatch(o: {
  bus: Pick<Bus, 'nc' | 'jsm' | 'connected'>;
  carriers: () => readonly string[];
  everyMs: () => number;
  onReading: (r: CarrierReading[]) => void;
  onError?: (err: unknown) => void;
}): CarrierWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async (): Promise<void> => {
    if (stopped) return;
    try {
      if (o.bus.connected()) o.onReading(await readCarrierCensus(o.bus, o.carriers()));
    } catch (err) {
      o.onError?.(err);
    }
    if (stopped) return;
    timer = setTimeout(() => void round(), o.everyMs());
    timer.unref();
  };
  void round();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
