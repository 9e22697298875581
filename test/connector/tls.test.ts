/**
 * SMPP over TLS through the bind actor (the real connector, carrier `smpp.tls: { caFile }`), with a test CA made by
 * openssl and a TLS-terminating proxy in front of the SMSC simulator:
 *  - a certificate from a CA the carrier does not trust, then one for another name, are refused: the failure is
 *    logged as a TLS handshake failure and retried with backoff; no bind ever reaches the SMSC; messages wait;
 *  - once the proxy presents a good certificate the bind comes up and every waiting message is delivered, receipts
 *    included (they come back over the same TLS session);
 *  - when the link is cut, the bind reconnects over TLS and carries on: nothing lost, duplicates within the window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.js';
import { createTestCa, type TestCa } from '../support/test-ca.js';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy.js';

const WINDOW = 10;
const BASE_MS = 500;

let ca: TestCa;
let stranger: TestCa;
let proxy: TlsProxy;
let h: Harness;
let log: RecordingLogger;

beforeAll(async () => {
  ca = createTestCa('smsmesh test CA');
  stranger = createTestCa('some other CA');
  log = recordingLogger();
  // The proxy goes in front of the simulator, and the carrier dials the proxy over TLS, trusting our CA only.
  h = await startHarness({
    carrier: { tps: 500, window: WINDOW },
    smpp: async (simPort) => {
      proxy = await startTlsProxy({ cert: stranger.issue('smsc', ['IP:127.0.0.1']), targetPort: simPort });
      return { port: proxy.port, tls: { caFile: ca.certFile } };
    },
    start: false,
    log,
  });
});

afterAll(async () => {
  await h?.close();
  await proxy?.close();
  ca?.remove();
  stranger?.remove();
});

/** The bind's logged connect failures since `from`. */
function failures(from: number): { err: string; delayMs: number; at: number }[] {
  return log.entries
    .slice(from)
    .filter((e) => e.msg === 'bind failed; retrying')
    .map((e) => ({ err: String(e.fields.err), delayMs: e.fields.delayMs as number, at: e.at }));
}

describe('SMPP over TLS', () => {
  it('refuses certificates it cannot verify (logged, retried with backoff), binds with a good one, and reconnects over TLS', async () => {
    expect(h.carrier.smpp.tls).toEqual({ caFile: ca.certFile, rejectUnauthorized: true });
    const first = await h.publishMany(30, '7730');
    await h.startConnector();

    // 1. A certificate from a CA it does not trust.
    await waitUntil('two refused handshakes (unknown CA)', () => failures(0).length >= 2, 20_000, 20);
    const unknownCa = failures(0);
    for (const f of unknownCa) expect(f.err).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed: .*(certificate|issuer)/i);

    // 2. Our CA's certificate, but for another name than the host it dials.
    const mark = log.entries.length;
    proxy.present(ca.issue('elsewhere', ['DNS:elsewhere.test']));
    await waitUntil('two refused handshakes (wrong name)', () => failures(mark).length >= 2, 30_000, 20);
    const wrongName = failures(mark);
    for (const f of wrongName) expect(f.err).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed: .*(altnames|does not match)/i);

    // Never accepted: no handshake completed, no bind reached the SMSC, nothing was sent.
    // The proxy learns of a refusal from the alert or the close, which can land just after the client logged it.
    await waitUntil('the proxy saw four refused handshakes', () => proxy.refusedHandshakes >= 4, 5_000, 20);
    expect(proxy.handshakes).toBe(0);
    expect(proxy.refusedHandshakes).toBeGreaterThanOrEqual(4);
    expect(h.sim.stats()).toMatchObject({ binds: 0, attempts: 0 });
    expect(await h.metric('smsmesh_binds_up')).toBe(0);
    // Retried with backoff, not in a loop: each wait within the rule (0.5 s doubling, between half the ceiling and
    // all of it) and really waited (timers never fire early).
    const all = failures(0);
    all.forEach((f, k) => {
      const ceiling = BASE_MS * 2 ** k;
      expect(f.delayMs, `wait after failure ${k + 1}`).toBeGreaterThanOrEqual(ceiling / 2);
      expect(f.delayMs, `wait after failure ${k + 1}`).toBeLessThanOrEqual(ceiling);
      if (k + 1 < all.length) expect(all[k + 1]!.at - f.at).toBeGreaterThanOrEqual(f.delayMs - 1);
    });

    // 3. A good certificate: binds, and everything waiting goes, receipts back over the same session.
    proxy.present(ca.issue('smsc', ['IP:127.0.0.1', 'DNS:smsc.test']));
    await waitUntil('bound over TLS', async () => (await h.metric('smsmesh_binds_up')) === 1, 40_000, 20);
    const ids1 = first.map((m) => m.id);
    await waitUntil('the waiting messages submitted', () => h.settled(ids1).submitted.size === ids1.length, 30_000, 50);
    await waitUntil('their receipts', () => h.events.receipts.length >= ids1.length, 30_000, 50);
    expect(proxy.handshakes).toBe(1);

    // 4. The link is cut under load: the bind reconnects over TLS and carries on.
    const second = await h.publishMany(300, '7731');
    await waitUntil('load under way', () => h.sim.stats().submits >= ids1.length + 50, 30_000, 5);
    proxy.dropAll();
    await waitUntil('a second TLS session', () => proxy.handshakes >= 2, 30_000, 20);
    const ids2 = second.map((m) => m.id);
    await waitUntil('everything submitted after the reconnect', () => h.settled(ids2).submitted.size === ids2.length, 30_000, 50);
    expect(await h.metric('smsmesh_binds_up')).toBe(1);
    expect(h.events.failed).toHaveLength(0);
    let dup = 0;
    for (const n of h.attemptsByDestination().values()) dup += n - 1;
    console.log(
      `[tls] refused: ${unknownCa.length} × unknown CA, ${wrongName.length} × wrong name (e.g. "${wrongName[0]!.err}"); ` +
        `then ${proxy.handshakes} TLS sessions, ${ids1.length + ids2.length} messages submitted, ${dup} resent after the cut`,
    );
    expect(dup).toBeLessThanOrEqual(WINDOW);
  });
});
