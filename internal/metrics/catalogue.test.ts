/**
 * docs/metrics.md against the code: every metric a process can register (every create*Metrics factory in this
 * folder, prom-client's default metrics, and any `name: 'smsmesh_…'` written anywhere under internal/) is in the
 * catalogue with its type and labels, and the catalogue names nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRegistry } from './registry.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CATALOGUE = join(ROOT, 'docs', 'metrics.md');

interface Entry {
  type: string;
  labels: string[];
}

/** Table rows whose first cell is a backquoted metric name: | `name` | type | `a`, `b` (or —) | meaning | */
function parseCatalogue(md: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const line of md.split('\n')) {
    const m = /^\|\s*`([a-z_][a-z0-9_]*)`\s*\|\s*([a-z]+)\s*\|([^|]*)\|/.exec(line);
    if (!m) continue;
    if (out.has(m[1]!)) throw new Error(`${m[1]} is listed twice`);
    const labels = [...m[3]!.matchAll(/`([a-z_][a-z0-9_]*)`/g)].map((x) => x[1]!);
    out.set(m[1]!, { type: m[2]!, labels });
  }
  return out;
}

/** Every metric factory of internal/metrics on one registry, the way the roles call them. */
async function registeredMetrics(): Promise<Map<string, Entry>> {
  const registry: Registry = createRegistry({ role: 'test' });
  const dir = import.meta.dirname;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (/^create\w+Metrics$/.test(name) && typeof fn === 'function') (fn as (r: Registry, ...rest: unknown[]) => unknown)(registry, () => 1); // a source that reads as true and as a number
    }
  }
  const out = new Map<string, Entry>();
  for (const { name } of registry.getMetricsAsArray()) {
    const metric = registry.getSingleMetric(name)!;
    const { type } = await metric.get();
    out.set(name, { type: String(type), labels: [...((metric as unknown as { labelNames?: string[] }).labelNames ?? [])] });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('the metrics catalogue (docs/metrics.md)', () => {
  const catalogue = parseCatalogue(readFileSync(CATALOGUE, 'utf8'));

  it('lists every registered metric with its type and labels, and nothing the code does not register', async () => {
    const code = await registeredMetrics();
    expect(code.size).toBeGreaterThan(40);
    const missing = [...code.keys()].filter((n) => !catalogue.has(n));
    expect(missing, 'metrics in the code but not in docs/metrics.md').toEqual([]);
    const gone = [...catalogue.keys()].filter((n) => !code.has(n));
    expect(gone, 'metrics in docs/metrics.md that the code no longer registers').toEqual([]);
    for (const [name, c] of code) {
      expect(catalogue.get(name), name).toEqual({ type: c.type, labels: c.labels });
    }
  });

  it('knows every metric name written in internal/ (a metric created outside the factories too)', () => {
    for (const file of sourceFiles(join(ROOT, 'internal'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/name:\s*'(smsmesh_[a-z0-9_]+)'/g)) {
        expect(catalogue.has(m[1]!), `${m[1]} (${relative(ROOT, file)}) is not in docs/metrics.md`).toBe(true);
      }
    }
  });

  it('reads type and labels from a table row, and refuses a name listed twice', () => {
    expect(parseCatalogue('| `a_total` | counter | `x`, `y` | what |\n| `b` | gauge | — | what |')).toEqual(
      new Map([
        ['a_total', { type: 'counter', labels: ['x', 'y'] }],
        ['b', { type: 'gauge', labels: [] }],
      ]),
    );
    expect(() => parseCatalogue('| `a` | gauge | — | x |\n| `a` | gauge | — | y |')).toThrow(/twice/);
  });
});
