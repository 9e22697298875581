/** Metrics of the bus shared by every role of a process: messages dead-lettered. */
import { Counter, type Registry } from 'prom-client';

export function createBusMetrics(registry: Registry) {
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
