/**
 * Whether a carrier should take new traffic, from what edges observe every few seconds: its bound sessions across all
 * connectors and its backlog in JetStream. Pure; time comes from the Clock.
 *
 * A carrier goes down when it has had no bound session for `downAfterMs` (a rebind of a few seconds is no reason to
 * move traffic), or when its backlog passes `maxBacklog`; it comes back as soon as a session is bound again and the
 * backlog is below 80 % of the bound (the gap keeps traffic from flapping around the threshold).
 */
import type { Clock } from '../core/clock.js';

export interface CarrierObservation {
  carrier: string;
  /** Bound sessions across every connector that answered. */
  bound: number;
  /** Messages waiting or in flight for the carrier; undefined when it could not be read (the last reading stands). */
  backlog: number | undefined;
}

export interface CarrierHealthOptions {
  clock: Clock;
  downAfterMs: number;
  maxBacklog: number;
}

export interface CarrierState {
  usable: boolean;
  /** Why not, when not. */
  reason?: 'unbound' | 'backlog';
}

export interface CarrierHealth {
  observe(observations: readonly CarrierObservation[]): void;
  /** True for a carrier never observed: until the first reading nothing is known against it. */
  usable(carrier: string): boolean;
  state(carrier: string): CarrierState;
  /** Takes new thresholds (a config reload) without forgetting what was observed. */
  configure(o: Pick<CarrierHealthOptions, 'downAfterMs' | 'maxBacklog'>): void;
}

const RECOVER_FRACTION = 0.8;

export function createCarrierHealth(opts: CarrierHealthOptions): CarrierHealth {
  let { downAfterMs, maxBacklog } = opts;
  const clock = opts.clock;
  // A carrier is given downAfterMs from its first observation, as from a bind that just dropped.
  const seen = new Map<string, { lastBoundAt: number; backlogHigh: boolean }>();

  function state(carrier: string): CarrierState {
    const s = seen.get(carrier);
    if (!s) return { usable: true };
    if (clock.now() - s.lastBoundAt >= downAfterMs) return { usable: false, reason: 'unbound' };
    if (s.backlogHigh) return { usable: false, reason: 'backlog' };
    return { usable: true };
  }

  return {
    observe(observations) {
      const now = clock.now();
      for (const o of observations) {
        let s = seen.get(o.carrier);
        if (!s) seen.set(o.carrier, (s = { lastBoundAt: now, backlogHigh: false }));
        if (o.bound > 0) s.lastBoundAt = now;
        if (o.backlog !== undefined) {
          if (o.backlog > maxBacklog) s.backlogHigh = true;
          else if (o.backlog < maxBacklog * RECOVER_FRACTION) s.backlogHigh = false;
        }
      }
    },
    usable: (carrier) => state(carrier).usable,
    state,
    configure(o) {
      downAfterMs = o.downAfterMs;
      maxBacklog = o.maxBacklog;
    },
  };
}
