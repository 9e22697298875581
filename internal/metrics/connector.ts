/** Metrics of the SMPP connector: submits, outcomes, windows, binds, receipts. */
import { Counter, Gauge, type Registry } from 'prom-client';

export function createConnectorMetrics(registry: Registry) {
  // Read at scrape time from the live binds, so the hot path never touches it.
  let inflightSource: () => Iterable<{ carrier: string; inFlight: number }> = () => [];
  return {
    setInflightSource(fn: () => Iterable<{ carrier: string; inFlight: number }>) {
      inflightSource = fn;
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
        for (const b of inflightSource()) this.inc({ carrier: b.carrier }, b.inFlight);
      },
    }),
    reconnects: new Counter({
      name: 'smsmesh_bind_reconnects_total',
      help: 'Bind attempts after a lost or failed bind, by carrier.',
      labelNames: ['carrier'] as const,
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
