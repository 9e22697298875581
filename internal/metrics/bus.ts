/** Metrics every gateway process has about its bus: the NATS link (read at scrape time) and dead letters. */
import { Counter, Gauge, type Registry } from 'prom-client';

export function createBusMetrics(registry: Registry, connected: () => boolean) {
  new Gauge({
    name: 'smsmesh_nats_connected',
    help: '1 while this process is connected to NATS, 0 while it is reconnecting.',
    registers: [registry],
    collect() {
      this.set(connected() ? 1 : 0);
    },
  });
  return {
    deadLetters: new Counter({
      name: 'smsmesh_dead_letters_total',
      help: 'Messages copied to the dead-letter stream SMS_DEAD and removed from their work queue, by source stream and reason.',
      labelNames: ['stream', 'reason'] as const,
      registers: [registry],
    }),
  };
}
export type BusMetrics = ReturnType<typeof createBusMetrics>;
