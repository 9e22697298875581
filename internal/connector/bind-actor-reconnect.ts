/**
 * One bind's life: connect and bind, run the session until it is lost, back off (longer after a
 * credentials rejection), connect again, until the actor stops.
 */
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import type { ConnectorMetrics } from '../metrics/connector.js';
import { Status } from '../smpp/command-status.js';
import { BindRejectedError } from '../smpp/errors.js';
import type { Pdu, ResponseFields } from '../smpp/pdu-types.js';
import type { Session } from '../smpp/session.js';
import type { BindCore } from './bind-actor-core.js';
import type { BindSlot } from './carrier-coordinator.js';

const BACKOFF_BASE_MS = 500;
/** The carrier's `reconnectMaxMs` default (config/schema.ts). */
export const RECONNECT_MAX_MS = 10_000;
const BAD_CREDENTIALS_BACKOFF_MS = 60_000;
/** Retrying fast will not fix a wrong password, and may lock the account. */
const CREDENTIAL_STATUSES: ReadonlySet<number> = new Set([Status.ESME_RINVPASWD, Status.ESME_RINVSYSID, Status.ESME_RBINDFAIL]);

export interface ReconnectLoopDeps {
  core: BindCore;
  /** With account limits: no session is opened without a bind-slot lease, and the slot is given up when it ends. */
  lease?: BindSlot | undefined;
  sendsMessages: boolean;
  connect: (onRequest: (pdu: Pdu) => Promise<ResponseFields>) => Promise<Session>;
  onPeerRequest: (pdu: Pdu) => Promise<ResponseFields>;
  metrics: ConnectorMetrics;
  labels: { carrier: string };
  /** The per-bind series (reconnects, losses). */
  bindLabels: { carrier: string; bind: string };
  log: Logger;
  /** A sleep that stop() cuts short. */
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1): the jitter's draws. */
  random(): number;
  /** The longest wait between attempts (default RECONNECT_MAX_MS); a credentials refusal waits longer. */
  backoffMaxMs?: number | undefined;
  fetchLoop(s: Session): Promise<void>;
  pump(): void;
  signal(): void;
  failQueued(): void;
}

/** Returns the loop; it resolves once the actor is stopping and its last session is closed. */
export function createReconnectLoop(d: ReconnectLoopDeps): () => Promise<void> {
  const { core, metrics, labels, bindLabels, log, pump, signal } = d;
  const backoffMaxMs = d.backoffMaxMs ?? RECONNECT_MAX_MS;

  async function runSession(s: Session): Promise<void> {
    core.session = s;
    core.state = 'bound';
    d.lease?.sending(true);
    metrics.bindsUp.inc(labels);
    log.info({}, 'bound');
    const closed = new Promise<void>((resolve) =>
      s.onClose((reason) => {
        if (!core.stopping) {
          metrics.bindLosses.inc(bindLabels);
          log.warn({ reason }, 'bind lost');
        }
        resolve();
      }),
    );
    s.onWritable(() => {
      pump();
      signal();
    });
    await Promise.race([d.sendsMessages ? d.fetchLoop(s) : new Promise<void>(() => {}), closed]);
    d.lease?.sending(false);
    if (!core.stopping) {
      s.close();
      d.failQueued();
    }
    await closed;
    metrics.bindsUp.dec(labels);
    core.session = undefined;
  }

  return async function run(): Promise<void> {
    let attempt = 0;
    while (!core.stopping) {
      core.state = 'connecting';
      if (d.lease && !(await d.lease.acquire())) {
        if (core.stopping) break;
        await d.sleep(1000);
        continue;
      }
      let s: Session;
      try {
        s = await d.connect(d.onPeerRequest);
      } catch (err) {
        await d.lease?.release();
        if (core.stopping) break;
        attempt++;
        metrics.reconnects.inc(bindLabels);
        // "Equal jitter": half the ceiling plus a random half, so gaps grow while binds still spread out.
        const ceiling = Math.min(backoffMaxMs, BACKOFF_BASE_MS * 2 ** (attempt - 1));
        let delay = Math.round(ceiling / 2 + d.random() * (ceiling / 2));
        if (err instanceof BindRejectedError && CREDENTIAL_STATUSES.has(err.status)) {
          delay = BAD_CREDENTIALS_BACKOFF_MS;
          log.error({ status: err.status, err: errorMessage(err) }, 'bind rejected: check systemId/password for this carrier');
        } else {
          log.warn({ attempt, delayMs: delay, err: errorMessage(err) }, 'bind failed; retrying');
        }
        await d.sleep(delay);
        continue;
      }
      if (core.stopping) {
        await s.unbind(2000).catch(() => s.close());
        break;
      }
      if (d.lease && !d.lease.holds()) {
        // The lease was lost while binding: this session may be one too many for the account.
        await s.unbind(2000).catch(() => s.close());
        continue;
      }
      attempt = 0;
      await runSession(s);
      // Given up between sessions, so a slot counts (in every process's share) only while a session uses it.
      await d.lease?.release();
    }
  };
}
