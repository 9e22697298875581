/**
 * deploy/prometheus/alerts.yaml: promtool (Debian's prometheus package) checks the rules and runs their unit tests
 * (alerts.test.yaml beside them: each alert fires on what should fire it and stays quiet otherwise). Without
 * promtool the test fails and says how to install it; it never skips. Every rule selects only metrics and labels
 * of docs/metrics.md: a misspelt one is valid PromQL that never fires.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/gateway.js';
import { catalogueProblems, readCatalogue } from '../support/metrics-catalogue.js';
import { promqlMetrics } from '../support/promql.js';

const DIR = join(ROOT, 'deploy', 'prometheus');
const INSTALL = 'promtool is missing: install Debian\'s prometheus package (apt-get install --no-install-recommends prometheus, then stop its server: systemctl disable --now prometheus), or run scripts/ensure-test-services.sh, which does both';

function promtool(): string {
  for (const p of [...(process.env.PATH ?? '').split(':').map((d) => join(d, 'promtool')), '/usr/bin/promtool']) {
    if (p && existsSync(p)) return p;
  }
  throw new Error(INSTALL);
}

function run(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(promtool(), args, { cwd: DIR, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

describe('alert rules (deploy/prometheus/alerts.yaml)', () => {
  const rules = (parseYaml(readFileSync(join(DIR, 'alerts.yaml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

  it('pass promtool check rules', () => {
    const r = run(['check', 'rules', 'alerts.yaml']);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status, r.out).toBe(0);
  });

  it('pass their promtool unit tests, and every alert has one that sees it fire', () => {
    const r = run(['test', 'rules', 'alerts.test.yaml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS/);
    const tests = parseYaml(readFileSync(join(DIR, 'alerts.test.yaml'), 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const fired = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect(rules.map((r) => r.alert).filter((a) => !fired.has(a))).toEqual([]);
  });

  it('cover what the issue asks for, each with a severity and words for the operator, in PromQL the UI parses too, naming catalogued metrics and labels only', () => {
    const catalogue = readCatalogue();
    const names = rules.map((r) => r.alert);
    for (const a of [
      ...['SmsmeshBacklogGrowing', 'SmsmeshCarrierNoBind', 'SmsmeshThrottlingSustained', 'SmsmeshStatusWriterLag', 'SmsmeshDeadLetters', 'SmsmeshHttp5xxRatio'],
      ...['SmsmeshNatsDisconnected', 'SmsmeshCallbacksFailing', 'SmsmeshCallbackPostsFailing', 'SmsmeshCallbackDeliverySlow', 'SmsmeshCallbackBacklog'],
    ]) {
      expect(names).toContain(a);
    }
    for (const r of rules) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary.length, r.alert).toBeGreaterThan(10);
      expect(r.annotations.description.length, r.alert).toBeGreaterThan(20);
      const { metrics, error } = promqlMetrics(r.expr);
      expect(error, r.alert).toBeUndefined();
      expect(metrics.length, r.alert).toBeGreaterThan(0);
      expect(catalogueProblems(r.expr, catalogue), r.alert).toEqual([]);
    }
  });
});
