/**
 * The short set of fault drills (`make drills DRILLS_ARGS=--short`): a 3-node NATS cluster with R3 streams, a
 * PostgreSQL cluster of the test's own, the simulator and the gateway split into two edges, two connectors and a
 * status writer; a few hundred messages a drill through the HTTP API while the SMS_MT leader is killed, a connector
 * is killed, and PostgreSQL restarts. Every 2xx must end in a recorded final state, duplicates within the bound.
 */
import { describe, expect, it } from 'vitest';
import { parseDrillArgs } from '../../tools/drills/drill-args.js';
import { runDrills } from '../../tools/drills/drill-main.js';
import { tempDir } from '../support/gateway.js';

describe('fault drills, short set', () => {
  it('loses nothing through a NATS leader kill, a connector kill and a PostgreSQL restart', async () => {
    const out = tempDir('smsmesh-drills-out-');
    const parsed = parseDrillArgs(['--short', '--out', out.path]);
    if (parsed.kind !== 'run') throw new Error(`bad drill args: ${JSON.stringify(parsed)}`);
    const { results } = await runDrills(parsed.args, (line) => process.stdout.write(`${line}\n`));
    out.remove();
    expect(results.map((r) => r.drill)).toEqual(['nats-leader-kill', 'connector-kill', 'postgres-restart']);
    for (const r of results) {
      expect(r.accepted, `${r.drill}: messages accepted`).toBeGreaterThan(500);
      expect({ drill: r.drill, lost: r.lost, lostIds: r.lostIds }).toEqual({ drill: r.drill, lost: 0, lostIds: [] });
      expect(r.persisted).toBe(r.accepted);
      expect(r.duplicates, `${r.drill}: duplicates at the SMSC`).toBeLessThanOrEqual(r.dupBound);
      expect(r.rejected).toBe(0);
      // Every accepted message is its client's: visible to it with its number, sender and reference.
      expect(r.unattributed, `${r.drill}: accepted messages without their client`).toBe(0);
    }
  }, 600_000);
});
