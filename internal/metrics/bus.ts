/** Metrics every gateway process has about its bus: the NATS link (read at scrape time) and dead letters. */
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * `carriers` bounds the dead letters' carrier label: the last token of the subject (sms.mt.<carrier>,
 * sms.evt.submitted.<carrier> …) when it names a configured carrier, "" otherwise (sms.evt.accepted, or a subject
 * someone published by hand).
 */
export function createBusMetrics(registry: Registry, connected: () => boolean, carriers: readonly string[] = []) {
  const known = new Set(carriers);
  new Gauge({
    name: 'smsmesh_nats_connected',
    help: '1 while this process is connected to NATS, 0 while it is reconnecting.',
    registers: [registry],
    collect() {
      this.set(connected() ? 1 : 0);
    },
  });
  const deadLetters = new Counter({
    name: 'smsmesh_dead_letters_total',
    help: 'Messages copied to the dead-letter stream SMS_DEAD and removed from their work queue, by source stream, reason and carrier.',
    labelNames: ['stream', 'reason', 'carrier'] as const,
    registers: [registry],
  });
  return {
    deadLetters,
    deadLettered(stream: string, reason: string, subject: string): void {
      const last = subject.slice(subject.lastIndexOf('.') + 1);
      deadLetters.inc({ stream, reason, carrier: known.has(last) ? last : '' });
    },
  };
}
export type BusMetrics = ReturnType<typeof createBusMetrics>;
