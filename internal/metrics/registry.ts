/** One prom-client registry per process; role modules register their metrics on it. */
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry, prefix: 'smsmesh_process_' });
  return registry;
}
