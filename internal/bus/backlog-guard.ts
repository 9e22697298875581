/**
 * Keeps the MT backlog clear of JetStream's own limit. nats-server 2.9 (Debian's) has a defect at `max_bytes` with
 * `discard: new` (nats-io/nats-server#4771): a message that fits by payload but not as a stored record is taken and
 * the oldest message removed, silently. The edge therefore stops accepting at a share of `nats.maxBacklogBytes`
 * below the limit, from the stream's size read once a second plus what this edge stored since: with the default
 * 10 GiB bound the 5 % headroom is 500 MB, which no burst between two reads comes near.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '../log/logger.js';

export interface BacklogGuard {
  /** True while the backlog is at the guard's threshold: accepting would risk the server's limit. */
  full(): boolean;
  /** Counts bytes this edge stored since the last read. */
  stored(bytes: number): void;
  stop(): void;
}

export function startBacklogGuard(o: {
  jsm: Pick<JetStreamManager, 'streams'>;
  stream: string;
  /** Share of the stream's max_bytes at which accepting stops (default 0.95). */
  threshold?: number;
  everyMs?: number;
  log: Logger;
}): BacklogGuard {
  const threshold = o.threshold ?? 0.95;
  let limit = Number.POSITIVE_INFINITY;
  let polled = 0;
  let since = 0;
  let wasFull = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function poll(): Promise<void> {
    try {
      const info = await o.jsm.streams.info(o.stream);
      const max = info.config.max_bytes;
      limit = max > 0 ? max * threshold : Number.POSITIVE_INFINITY;
      polled = info.state.bytes;
      since = 0;
      const full = polled >= limit;
      if (full !== wasFull) {
        wasFull = full;
        if (full) o.log.warn({ stream: o.stream, bytes: polled, maxBytes: max }, 'backlog at its bound: new messages are refused until it drains');
        else o.log.info({ stream: o.stream, bytes: polled }, 'backlog below its bound again: accepting');
      }
    } catch {
      // NATS away: publishing fails on its own; the last reading stands.
    }
  }

  const loop = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(loop), o.everyMs ?? 1000);
    timer.unref();
  };
  void poll().finally(loop);

  return {
    full: () => polled + since >= limit,
    stored(bytes) {
      since += bytes;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
