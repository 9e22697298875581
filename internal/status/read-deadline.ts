/**
 * Status reads with a deadline: while the database is away the driver waits for its connect timeout (seconds) before
 * failing, and a client asking for a message's status would wait as long. Past the deadline the read fails with
 * StatusReadTimeoutError, which the API answers 503 at once; the driver's own attempt ends on its own time.
 */
import { AppError } from '../core/errors.js';
import type { StatusStore } from './status-store.js';

export class StatusReadTimeoutError extends AppError {
  override readonly name = 'StatusReadTimeoutError';
  constructor(ms: number) {
    super('STATUS_READ_TIMEOUT', `the status database did not answer within ${ms} ms`);
  }
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new StatusReadTimeoutError(ms)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err);
      },
    );
  });
}

/** The same store, with every read bounded by `ms`; writes are left alone (the writer retries them itself). */
export function withReadDeadline(store: StatusStore, ms: number): StatusStore {
  return {
    apply: (events) => store.apply(events),
    recordOrphanReceipts: (events) => store.recordOrphanReceipts(events),
    getMessage: (id, clientId) => within(ms, store.getMessage(id, clientId)),
    listMessages: (clientId, filter) => within(ms, store.listMessages(clientId, filter)),
    close: () => store.close(),
  };
}
