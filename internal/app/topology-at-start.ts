/**
 * Creates or updates the JetStream topology when a process starts, retrying while a JetStream cluster cannot
 * answer yet. Seen on a 3-node cluster (nats-server 2.9.10) when several processes start at once, as every
 * Kubernetes rollout does: one process's stream create and another's update of the same stream both go
 * unanswered until the request times out (5 of 6 tries in test/deploy/nats-cluster.test.ts); run again, the
 * same idempotent steps succeed. A meta leader election answers 503 the same way.
 */
import { JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { TimeoutError } from '@nats-io/transport-node';
import { ensureTopology, type TopologyOptions } from '../bus/topology.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';

export interface RetryOptions {
  /** Give up (and fail the start) after this long. */
  deadlineMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

function retryable(err: unknown): boolean {
  return err instanceof TimeoutError || (err instanceof JetStreamApiError && err.status === 503);
}

/**
 * Runs an idempotent JetStream set-up step (`what` names it in the log), again while the server times out or answers
 * 503, until the deadline. The buckets are created right after the streams, by the same processes at the same moment,
 * so they need the same patience.
 */
export async function retryWhileJetStreamBusy<T>(what: string, step: () => Promise<T>, log: Logger, r: RetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (r.deadlineMs ?? 120_000);
  const sleep = r.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)));
  for (let attempt = 1, waitMs = 250; ; attempt++, waitMs = Math.min(waitMs * 2, 5000)) {
    try {
      return await step();
    } catch (err) {
      if (!retryable(err) || Date.now() + waitMs > deadline) throw err;
      log.warn({ attempt, err: errorMessage(err), retryInMs: waitMs }, `JetStream did not answer while ${what}; retrying`);
      await sleep(waitMs);
    }
  }
}

export function ensureTopologyAtStart(jsm: JetStreamManager, opts: TopologyOptions, log: Logger, r: RetryOptions = {}): Promise<void> {
  return retryWhileJetStreamBusy('creating streams and consumers', () => ensureTopology(jsm, opts, log), log, r);
}
