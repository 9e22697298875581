/** Metrics every gateway process has about its NATS link (read at scrape time, never on the hot path). */
import { Gauge, type Registry } from 'prom-client';

export function registerBusMetrics(registry: Registry, connected: () => boolean): void {
  new Gauge({
    name: 'smsmesh_nats_connected',
    help: '1 while this process is connected to NATS, 0 while it is reconnecting.',
    registers: [registry],
    collect() {
      this.set(connected() ? 1 : 0);
    },
  });
}
