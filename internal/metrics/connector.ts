/** Metrics of the SMPP connector: submits, outcomes, windows, binds, receipts. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** One bind as the scrape reads it (the connector's `binds()`, plus the carrier's configured limits). */
export interface BindReading {
  carrier: string;
  bindNo: number;
  state: string;
  inFlight: number;
  /** submit_sm per second the bind allows itself now (lower than configured after a throttle). */
  rate: number;
  /** The configured `tps` and `window`, when known. */
  tps?: number;
  window?: number;
}

/** Every state a bind reports, so that each bind has one series per state (0 or 1) and a state change never drops a series. */
export const BIND_STATES = ['connecting', 'bound', 'draining', 'closed'] as const;

const bindLabels = ['carrier', 'bind'] as const;

export function createConnectorMetrics(registry: Registry) {
  // Read at scrape time from the live binds, so the hot path never touches these gauges.
  let bindSource: () => Iterable<BindReading> = () => [];
  const eachBind = (g: Gauge<'carrier' | 'bind'>, value: (b: BindReading) => number | undefined) => {
    g.reset();
    for (const b of bindSource()) {
      const v = value(b);
      if (v !== undefined) g.set({ carrier: b.carrier, bind: String(b.bindNo) }, v);
    }
  };
  return {
    setBindSource(fn: () => Iterable<BindReading>) {
      bindSource = fn;
    },
    submitted: new Counter({
      name: 'smsmesh_messages_submitted_total',
      help: 'Messages whose every segment got submit_sm_resp OK, by carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    submitOutcomes: new Counter({
      name: 'smsmesh_submit_outcomes_total',
      help: 'submit_sm outcomes per segment: ok, throttled, retry, rejected, timeout, closed.',
      labelNames: ['carrier', 'outcome'] as const,
      registers: [registry],
    }),
    resubmits: new Counter({
      name: 'smsmesh_resubmits_total',
      help: 'Messages submitted again after a redelivery (possible duplicates at the SMSC), by carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    receipts: new Counter({
      name: 'smsmesh_receipts_total',
      help: 'Delivery receipts received and stored in JetStream, by carrier and stat.',
      labelNames: ['carrier', 'stat'] as const,
      registers: [registry],
    }),
    journaled: new Counter({
      name: 'smsmesh_journaled_total',
      help: 'Receipts and MO kept in the local journal because NATS was away longer than receiptHoldMs, by carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    journalReplayed: new Counter({
      name: 'smsmesh_journal_replayed_total',
      help: 'Journaled receipts and MO stored in JetStream once NATS was back.',
      registers: [registry],
    }),
    inbound: new Counter({
      name: 'smsmesh_inbound_total',
      help: 'Inbound (MO) messages received, by carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    finalFailures: new Counter({
      name: 'smsmesh_connector_final_failures_total',
      help: 'Messages the connector gave up on, by carrier and final status.',
      labelNames: ['carrier', 'status'] as const,
      registers: [registry],
    }),
    bindsUp: new Gauge({
      name: 'smsmesh_binds_up',
      help: 'SMPP binds currently bound, by carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    inflight: new Gauge({
      name: 'smsmesh_bind_window_inflight',
      help: 'Outstanding submit_sm across the binds of a carrier.',
      labelNames: ['carrier'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const b of bindSource()) this.inc({ carrier: b.carrier }, b.inFlight);
      },
    }),
    reconnects: new Counter({
      name: 'smsmesh_bind_reconnects_total',
      help: 'Failed bind attempts (connect or bind_resp refused), each followed by a backoff, by carrier and bind.',
      labelNames: bindLabels,
      registers: [registry],
    }),
    bindLosses: new Counter({
      name: 'smsmesh_bind_losses_total',
      help: 'Bound sessions lost (SMSC closed, enquire_link unanswered, bind error) while the bind was not stopping, by carrier and bind.',
      labelNames: bindLabels,
      registers: [registry],
    }),
    bindState: new Gauge({
      name: 'smsmesh_bind_state',
      help: 'The state of each bind: 1 for its current state (connecting, bound, draining, closed), 0 for the others.',
      labelNames: ['carrier', 'bind', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const b of bindSource()) {
          for (const state of BIND_STATES) this.set({ carrier: b.carrier, bind: String(b.bindNo), state }, b.state === state ? 1 : 0);
        }
      },
    }),
    bindWindowInUse: new Gauge({
      name: 'smsmesh_bind_window_in_use',
      help: 'Outstanding submit_sm (sent, no submit_sm_resp yet) of each bind.',
      labelNames: bindLabels,
      registers: [registry],
      collect() {
        eachBind(this, (b) => b.inFlight);
      },
    }),
    bindWindowSize: new Gauge({
      name: 'smsmesh_bind_window_size',
      help: "Each bind's configured window (the carrier's `window`).",
      labelNames: bindLabels,
      registers: [registry],
      collect() {
        eachBind(this, (b) => b.window);
      },
    }),
    bindTpsAllowed: new Gauge({
      name: 'smsmesh_bind_tps_allowed',
      help: 'submit_sm per second each bind allows itself now: the configured tps, lower after throttling or congestion until it recovers.',
      labelNames: bindLabels,
      registers: [registry],
      collect() {
        eachBind(this, (b) => b.rate);
      },
    }),
    bindTpsConfigured: new Gauge({
      name: 'smsmesh_bind_tps_configured',
      help: "Each bind's configured submit_sm per second (the carrier's `tps`).",
      labelNames: bindLabels,
      registers: [registry],
      collect() {
        eachBind(this, (b) => b.tps);
      },
    }),
    throttleEpisodes: new Counter({
      name: 'smsmesh_bind_throttle_episodes_total',
      help: 'Times a bind cut its rate: cause "throttle" (ESME_RTHROTTLED / ESME_RMSGQFUL, once per episode) or "congestion" (congestion_state >= 90).',
      labelNames: ['carrier', 'bind', 'cause'] as const,
      registers: [registry],
    }),
    submitResponseSeconds: new Histogram({
      name: 'smsmesh_bind_submit_response_seconds',
      help: 'Time from writing a submit_sm to reading its submit_sm_resp (any status), by carrier and bind.',
      labelNames: bindLabels,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    // Carrier-wide limits (issue 14): bind-slot leases and throttle signals shared by every connector process.
    leasesHeld: new Gauge({
      name: 'smsmesh_carrier_leases_held',
      help: 'Bind-slot leases this process holds, by carrier (at most maxBinds across all connector processes).',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    leasesLost: new Counter({
      name: 'smsmesh_carrier_leases_lost_total',
      help: 'Bind-slot leases this process could no longer prove (bucket out of reach) or found taken; the bind was closed.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    bindTps: new Gauge({
      name: 'smsmesh_carrier_bind_tps',
      help: 'The rate each sending bind of this process is given: accountTps split over the live leases, or the safe share.',
      labelNames: ['carrier'] as const,
      registers: [registry],
    }),
    throttleSignals: new Counter({
      name: 'smsmesh_carrier_throttle_signals_total',
      help: 'Carrier-wide throttle signals: sent (a bind of this process was throttled) and received (applied to the binds here).',
      labelNames: ['carrier', 'direction'] as const,
      registers: [registry],
    }),
    senderPaced: new Counter({
      name: 'smsmesh_sender_paced_total',
      help: 'Messages held back by a senderTps rule: held (in the bind, a short wait) or delayed (given back to JetStream with a delay).',
      labelNames: ['carrier', 'how'] as const,
      registers: [registry],
    }),
  };
}
export type ConnectorMetrics = ReturnType<typeof createConnectorMetrics>;
