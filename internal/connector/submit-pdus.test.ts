import { describe, expect, it } from 'vitest';
import { Tlv } from '../smpp/tlv.js';
import type { MtMessage } from '../sms/message.js';
import { buildSubmitPdus, concatReference, relativeValidity, sourceAddress, type SubmitOptions } from './submit-pdus.js';

const opts: SubmitOptions = { concat: 'udh8', gsm7Packed: false, gsmDataCoding: 0, registeredDelivery: true };
const mt = (over: Partial<MtMessage>): MtMessage => ({
  id: '0190c7a2-8a4e-7b2c-9d3e-4f5a6b7c8d9e',
  clientId: 'c',
  carrier: 'acme',
  to: '+447700900123',
  from: 'ACME',
  text: 'Hello',
  encoding: 'gsm7',
  segments: 1,
  acceptedAt: 0,
  ...over,
});

describe('buildSubmitPdus', () => {
  it('builds one GSM submit_sm with data_coding 0, receipts requested, E.164 without +', () => {
    const [p, ...rest] = buildSubmitPdus(mt({}), opts);
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ command: 'submit_sm', destinationAddr: '447700900123', destAddrTon: 1, destAddrNpi: 1, dataCoding: 0, esmClass: 0, registeredDelivery: 1 });
    expect(p!.shortMessage.toString('latin1')).toBe('Hello');
  });

  it('splits long UCS-2 text into UDH parts sharing one reference derived from the id', () => {
    const pdus = buildSubmitPdus(mt({ text: 'Привет '.repeat(20), encoding: 'ucs2' }), opts);
    expect(pdus).toHaveLength(3);
    const ref = concatReference(mt({}).id, 'udh8');
    pdus.forEach((p, i) => {
      expect(p.dataCoding).toBe(8);
      expect(p.esmClass).toBe(0x40);
      expect([...p.shortMessage.subarray(0, 6)]).toEqual([5, 0, 3, ref, 3, i + 1]);
    });
  });

  it('carries SAR TLVs when the carrier wants them', () => {
    const pdus = buildSubmitPdus(mt({ text: 'x'.repeat(200) }), { ...opts, concat: 'sar' });
    expect(pdus).toHaveLength(2);
    expect(pdus[1]!.tlvs!.get(Tlv.sar_segment_seqnum)).toEqual(Buffer.from([2]));
    expect(pdus[1]!.tlvs!.get(Tlv.sar_total_segments)).toEqual(Buffer.from([2]));
  });

  it('sends binary content from hex with data_coding 4, and Latin-1 with 3', () => {
    expect(buildSubmitPdus(mt({ text: 'cafe01', encoding: 'binary' }), opts)[0]).toMatchObject({ dataCoding: 4, shortMessage: Buffer.from([0xca, 0xfe, 0x01]) });
    expect(buildSubmitPdus(mt({ text: 'café', encoding: 'latin1' }), opts)[0]).toMatchObject({ dataCoding: 3, shortMessage: Buffer.from('café', 'latin1') });
  });

  it('gives senders the right TON/NPI', () => {
    expect(sourceAddress('ACME', {})).toEqual({ addr: 'ACME', ton: 5, npi: 0 });
    expect(sourceAddress('+447700900999', {})).toEqual({ addr: '447700900999', ton: 1, npi: 1 });
    expect(sourceAddress('12345', {})).toEqual({ addr: '12345', ton: 3, npi: 0 });
    expect(sourceAddress('12345', { sourceTon: 0, sourceNpi: 1 })).toEqual({ addr: '12345', ton: 0, npi: 1 });
  });
});

describe('validity_period', () => {
  const base = { id: '0190a0b0-0000-7000-8000-000000000001', clientId: 'c', carrier: 'acme', to: '+447700900123', from: 'ACME', text: 'hi', encoding: 'gsm7' as const, segments: 1, acceptedAt: 0 };
  const opts = { concat: 'udh8' as const, gsm7Packed: false, gsmDataCoding: 0, registeredDelivery: true };
  it('is empty without a validity, and the time left in SMPP relative format with one', () => {
    expect(buildSubmitPdus(base, opts, 0)[0]!.validityPeriod).toBe('');
    expect(buildSubmitPdus({ ...base, validUntil: 3_600_000 + 90_500 }, opts, 0)[0]!.validityPeriod).toBe('000000010130000R');
  });
  it('rounds down and spells days', () => {
    expect(relativeValidity(604_800_000)).toBe('000007000000000R');
    expect(relativeValidity(59_999)).toBe('000000000059000R');
    expect(relativeValidity(86_400_000 + 2 * 3600_000 + 3 * 60_000 + 4_000)).toBe('000001020304000R');
  });
});
