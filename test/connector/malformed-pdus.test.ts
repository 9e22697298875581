/**
 * The SMSC sends malformed PDUs (framed correctly, broken inside): the gateway's session answers each as
 * SMPP 3.4 and the project's decisions table (internal/smpp/README.md) say, the bind stays up without a
 * reconnect, and messages and receipts keep flowing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MALFORMED_KINDS, type MalformedKind } from '../../tools/smsc-sim/malformed.js';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

/** Written out here rather than imported, so the test states the protocol and not the simulator's opinion. */
const ANSWERS: Record<MalformedKind, { commandId: number; status: number; why: string }> = {
  // A recognised command whose body ends inside its mandatory fields: its own response, command length invalid.
  'truncated-body': { commandId: 0x80000005, status: 0x00000002, why: 'deliver_sm_resp ESME_RINVCMDLEN' },
  // A TLV whose length runs past the PDU: its own response, ESME_RINVOPTPARSTREAM (0xC0 in SMPP 3.4 §5.1.3).
  'bad-tlv': { commandId: 0x80000005, status: 0x000000c0, why: 'deliver_sm_resp ESME_RINVOPTPARSTREAM' },
  // An unknown command_id: generic_nack ESME_RINVCMDID (SMPP 3.4 §3.3, generic_nack).
  'unknown-command': { commandId: 0x80000000, status: 0x00000003, why: 'generic_nack ESME_RINVCMDID' },
};

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('malformed PDUs from the SMSC', () => {
  it('are answered per spec, the bind stays up, traffic continues', async () => {
    h = await startHarness({ carrier: { tps: 300, window: 10, binds: 1 } });
    const first = await h.publishMany(100, '7711');
    await waitUntil('first batch submitted', () => h!.settled(first.map((m) => m.id)).submitted.size === 100, 20_000, 50);
    const bindsUp0 = await h.metric('smsmesh_binds_up');
    const reconnects0 = await h.metric('smsmesh_bind_reconnects_total');
    const simBinds0 = h.sim.stats().binds;
    expect(bindsUp0).toBe(1);

    // Under load: the broken PDUs go out between submits, receipts and their answers.
    const second = h.publishMany(300, '7712');
    await waitUntil('load under way', () => h!.sim.stats().submits >= 150, 10_000, 5);
    const report: string[] = [];
    for (const kind of MALFORMED_KINDS) {
      for (let round = 0; round < 3; round++) {
        const answers = await h.sim.sendMalformed(kind);
        expect(answers, kind).toHaveLength(1);
        const a = answers[0]!.answer;
        expect(a, `${kind}: ${ANSWERS[kind].why}`).toEqual({ commandId: ANSWERS[kind].commandId, status: ANSWERS[kind].status });
        if (round === 0) report.push(`${kind} → 0x${a!.commandId.toString(16)} status 0x${a!.status.toString(16).padStart(2, '0')}`);
      }
    }
    console.log(`[malformed] ${report.join('; ')}`);

    const msgs = [...first, ...(await second), ...(await h.publishMany(100, '7713'))];
    const ids = msgs.map((m) => m.id);
    await waitUntil('everything submitted', () => h!.settled(ids).submitted.size === ids.length, 20_000, 50);
    await waitUntil('every receipt stored', () => h!.events.receipts.length >= ids.length, 10_000, 50);
    expect(await h.metric('smsmesh_binds_up')).toBe(bindsUp0);
    expect(await h.metric('smsmesh_bind_reconnects_total')).toBe(reconnects0);
    expect(h.sim.stats().binds).toBe(simBinds0);
    expect(h.connector!.binds()[0]!.state).toBe('bound');
    expect(h.events.failed).toHaveLength(0);
    // No receipt was refused or lost because of the broken PDUs around them.
    expect(h.sim.stats().receiptsDropped).toBe(0);
    expect(h.events.receipts).toHaveLength(ids.length);
  });
});
