/**
 * How far behind this process's pull consumers are. Every JetStream delivery carries its consumer's num_pending in
 * its ack subject, so a pull consumer keeps the last one it saw at no cost; whoever wants the figure (the CPU
 * priority governor) reads the board once a second instead of being told on every message.
 *
 * A reading counts only if a message came since the board was last read: a consumer that stopped receiving (its
 * bind is down, another process took the rest) says nothing about the queue any more, however large its last figure.
 */

/** One consumer's entry: the consumer writes it on every delivery, the board reads it. */
export interface BacklogReading {
  /** num_pending as the last delivered message carried it. */
  pending: number;
  /** Deliveries so far: tells the board whether `pending` is news. */
  deliveries: number;
}

interface Entry {
  reading: BacklogReading;
  deliveriesAtLastRead: number;
}

const entries = new Map<string, Entry>();

/**
 * The entry a consumer keeps current. One per stream and durable: consumers of one durable in one process (opened
 * again, or an operator's backlog move beside the connector) share it, as they share the server's num_pending.
 */
export function backlogReading(stream: string, durable: string): BacklogReading {
  const key = `${stream}/${durable}`;
  let e = entries.get(key);
  if (!e) {
    e = { reading: { pending: 0, deliveries: 0 }, deliveriesAtLastRead: 0 };
    entries.set(key, e);
  }
  return e.reading;
}

/** The largest num_pending among consumers that received a message since the last call (0 when none did). */
export function largestFreshBacklog(): number {
  let largest = 0;
  for (const e of entries.values()) {
    const fresh = e.reading.deliveries !== e.deliveriesAtLastRead;
    e.deliveriesAtLastRead = e.reading.deliveries;
    if (fresh && e.reading.pending > largest) largest = e.reading.pending;
  }
  return largest;
}
