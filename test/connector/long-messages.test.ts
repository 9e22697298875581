/**
 * Long messages arrive complete at the SMSC: 3 segments in order with one concatenation reference (UDH or
 * SAR TLVs), or one submit_sm with message_payload; joined, they decode to the original text; and a receipt
 * comes back for every submit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tlv, tlvU16, tlvU8 } from '../../internal/smpp/pdu.js';
import type { SimulatedSubmit } from '../../tools/smsc-sim/simulator.js';
import { analyzeText } from '../../internal/sms/analyze.js';
import { decodeByDataCoding } from '../../internal/sms/decode.js';
import { parseUdh } from '../../internal/sms/reassemble.js';
import { startHarness, waitUntil, type Harness } from '../support/connector-harness.js';

const GSM_TEXT = ('Hello from smsmesh: €5 off {today} [only] ~ at @home, 0123456789 ^_^ | ').repeat(6).slice(0, 400);
const UCS2_TEXT = ('Привет 😀 мир 🎉 ').repeat(11).trim();

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function submitsTo(h: Harness, to: string): SimulatedSubmit[] {
  return h.submits.filter((s) => s.destinationAddr === to.slice(1));
}

async function sendBoth(h: Harness, prefix: string) {
  const [gsm, ucs2] = await h.publish([
    { to: `+44${prefix}01`, text: GSM_TEXT },
    { to: `+44${prefix}02`, text: UCS2_TEXT },
  ]);
  const ids = [gsm!.id, ucs2!.id];
  await waitUntil('both submitted', () => h.settled(ids).submitted.size === 2, 15_000, 20);
  return { gsm: gsm!, ucs2: ucs2! };
}

/** The receipts of these submits, and the submitted events' SMSC ids, match one to one. */
async function expectReceiptsFor(h: Harness, id: string, submits: SimulatedSubmit[]): Promise<void> {
  const smscIds = submits.map((s) => s.smscMessageId).sort();
  await waitUntil('a receipt per submit', () => h.events.receipts.filter((r) => smscIds.includes(r.smscMessageId)).length === smscIds.length, 10_000, 20);
  const fromEvents = h.events.submitted.filter((e) => e.id === id).map((e) => e.smscMessageId).sort();
  expect(fromEvents).toEqual(smscIds);
  expect(h.events.receipts.filter((r) => smscIds.includes(r.smscMessageId)).every((r) => r.stat === 'DELIVRD')).toBe(true);
}

describe('long messages', () => {
  it('the test texts are 3 segments each', () => {
    expect(analyzeText(GSM_TEXT)).toMatchObject({ encoding: 'gsm7', segments: 3 });
    expect(analyzeText(UCS2_TEXT)).toMatchObject({ encoding: 'ucs2', segments: 3 });
  });

  describe('concat udh8 (default)', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ carrier: { concat: 'udh8' } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('3 parts each, in order, one UDH reference, joined = original text; 3 receipts each', async () => {
      const { gsm, ucs2 } = await sendBoth(h, '7714000');
      for (const [m, dataCoding] of [[gsm, 0], [ucs2, 8]] as const) {
        const parts = submitsTo(h, m.to);
        expect(parts).toHaveLength(3);
        const udhs = parts.map((p) => parseUdh(p.shortMessage));
        expect(parts.every((p) => (p.esmClass & 0x40) !== 0 && p.dataCoding === dataCoding)).toBe(true);
        expect(udhs.map((u) => u?.seq)).toEqual([1, 2, 3]);
        expect(udhs.every((u) => u?.total === 3 && u.ref === udhs[0]!.ref)).toBe(true);
        const bodies = parts.map((p, i) => p.shortMessage.subarray(udhs[i]!.headerLength));
        expect(decodeByDataCoding(Buffer.concat(bodies), dataCoding)).toBe(m.text);
        // Each part stands alone on a handset: no GSM escape and no UTF-16 surrogate pair cut in two.
        for (const b of bodies) {
          if (dataCoding === 0) expect(b[b.length - 1]).not.toBe(0x1b);
          else expect(decodeByDataCoding(b, 8)).not.toMatch(LONE_SURROGATE);
        }
        await expectReceiptsFor(h, m.id, parts);
      }
    });
  });

  describe('concat sar', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ carrier: { concat: 'sar' } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('3 parts each with sar_msg_ref_num / sar_total_segments / sar_segment_seqnum, no UDH; 3 receipts each', async () => {
      const { gsm, ucs2 } = await sendBoth(h, '7715000');
      for (const [m, dataCoding] of [[gsm, 0], [ucs2, 8]] as const) {
        const parts = submitsTo(h, m.to);
        expect(parts).toHaveLength(3);
        expect(parts.every((p) => (p.esmClass & 0x40) === 0 && p.dataCoding === dataCoding)).toBe(true);
        const refs = parts.map((p) => tlvU16(p.tlvs, Tlv.sar_msg_ref_num));
        expect(refs[0]).toBeTypeOf('number');
        expect(new Set(refs).size).toBe(1);
        expect(parts.map((p) => tlvU8(p.tlvs, Tlv.sar_total_segments))).toEqual([3, 3, 3]);
        expect(parts.map((p) => tlvU8(p.tlvs, Tlv.sar_segment_seqnum))).toEqual([1, 2, 3]);
        expect(decodeByDataCoding(Buffer.concat(parts.map((p) => p.shortMessage)), dataCoding)).toBe(m.text);
        await expectReceiptsFor(h, m.id, parts);
      }
    });
  });

  describe('concat payload', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ carrier: { concat: 'payload' } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('one submit_sm each, the whole text in message_payload, empty short_message; one receipt each', async () => {
      const { gsm, ucs2 } = await sendBoth(h, '7716000');
      for (const [m, dataCoding] of [[gsm, 0], [ucs2, 8]] as const) {
        const parts = submitsTo(h, m.to);
        expect(parts).toHaveLength(1);
        const p = parts[0]!;
        expect(p.shortMessage).toHaveLength(0);
        expect(p.esmClass & 0x40).toBe(0);
        expect(p.tlvs.has(Tlv.sar_msg_ref_num)).toBe(false);
        expect(decodeByDataCoding(p.tlvs.get(Tlv.message_payload)!, dataCoding)).toBe(m.text);
        await expectReceiptsFor(h, m.id, parts);
      }
    });
  });

  describe('concat udh8 under throttling', () => {
    let h: Harness;
    beforeAll(async () => {
      // Answers after 30 ms, so all three parts are in flight when the SMSC starts throttling.
      h = await startHarness({ carrier: { concat: 'udh8' }, sim: { respondDelayMs: 30, throttleShare: 1, receipts: false } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('parts throttled together are sent again in order', async () => {
      const [m] = await h.publish([{ to: '+447719000001', text: GSM_TEXT }]);
      await waitUntil('all three parts throttled', () => h.sim.stats().throttled >= 3, 5_000, 5);
      h.sim.setBehaviour({ throttleShare: 0 });
      await waitUntil('submitted', () => h.settled([m!.id]).submitted.size === 1, 10_000, 20);
      const seqs = (outcome: string) => h.attempts.filter((a) => a.outcome === outcome).map((a) => parseUdh(a.shortMessage)?.seq);
      console.log(`[long/throttled] throttled parts ${seqs('throttled').join(',')} → accepted in the order ${seqs('ok').join(',')}`);
      expect(seqs('throttled').slice(0, 3)).toEqual([1, 2, 3]);
      expect(seqs('ok')).toEqual([1, 2, 3]);
    });
  });
});
