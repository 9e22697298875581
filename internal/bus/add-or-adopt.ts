/**
 * Creating a missing stream, durable or bucket when several processes start at once (a rollout starts every role
 * together). When this process's add fails, another may have created it since this one looked: nats-server 2.9 then
 * answers a second add of a stream that reserves bytes "insufficient storage resources available" when the store
 * cannot hold the reservation twice, and a second add of a durable refuses one whose config differs from the first.
 * Found now, it is updated as if it had been there; not found, the add's own error stands.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { noopLogger, type Logger } from '../log/logger.js';

/** The value of a JetStream lookup, or undefined when the server says it does not exist (404). */
export async function unlessNotFound<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * `update` applies the wanted config to what exists and says whether anything did; `add` creates it. Call when
 * `update` found nothing. `what` names it in the log: its kind and the fields that identify it.
 */
export async function addOrAdopt(
  what: { kind: 'stream' | 'consumer' | 'bucket'; [field: string]: string },
  add: () => Promise<unknown>,
  update: () => Promise<boolean>,
  log: Logger = noopLogger,
): Promise<void> {
  const { kind, ...fields } = what;
  try {
    await add();
    log.info(fields, `${kind} created`);
  } catch (err) {
    if (!(await update())) throw err;
    log.info(fields, `${kind} created by another process meanwhile; updated`);
  }
}
