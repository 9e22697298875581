/**
 * Encoder refusals and exact layouts, field by field. Expected octets are written from SMPP 3.4 (§3.2 header,
 * §4 mandatory fields in order, §5.3 TLVs) and the sizes from its field tables, not taken from the encoder.
 */
import { describe, expect, it } from 'vitest';
import { PduEncodeError } from './errors.js';
import { encodeHeader } from './pdu-encode.js';
import { dataSmFields, encodePdu, shortMessageFields, tlvCString, tlvU16, tlvU32, tlvU8, u16Value, u32Value, u8Value, cStringValue, type PduInit } from './pdu.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** The field the encoder blamed, or undefined when it encoded. */
function refusedField(p: PduInit): string | undefined {
  try {
    encodePdu(p);
    return undefined;
  } catch (err) {
    if (!(err instanceof PduEncodeError)) throw err;
    expect(err.message.startsWith(`${err.field}: `)).toBe(true);
    expect(err.message.length).toBeGreaterThan(err.field.length + 2);
    return err.field;
  }
}

const submit = (o: Partial<Parameters<typeof shortMessageFields>[0]> = {}): PduInit => ({
  command: 'submit_sm',
  ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.alloc(0), ...o }),
});
const bind = (o: Record<string, unknown> = {}): PduInit =>
  ({ command: 'bind_transmitter', systemId: 'id', password: 'pw', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '', ...o }) as PduInit;
const dataSm = (o: Record<string, unknown> = {}): PduInit => ({ command: 'data_sm', ...dataSmFields({ destinationAddr: '1', ...o }) });

describe('encoder: one-octet and four-octet integers', () => {
  const smOctets = ['sourceAddrTon:source_addr_ton', 'sourceAddrNpi:source_addr_npi', 'destAddrTon:dest_addr_ton', 'destAddrNpi:dest_addr_npi', 'esmClass:esm_class', 'protocolId:protocol_id', 'priorityFlag:priority_flag', 'registeredDelivery:registered_delivery', 'replaceIfPresentFlag:replace_if_present_flag', 'dataCoding:data_coding', 'smDefaultMsgId:sm_default_msg_id'];

  it('submit_sm: each Integer(1) field takes 0 and 255 and refuses 256, -1 and 1.5 by its wire name', () => {
    for (const pair of smOctets) {
      const [key, wire] = pair.split(':') as [string, string];
      expect(refusedField(submit({ [key]: 0 }))).toBeUndefined();
      expect(refusedField(submit({ [key]: 255 }))).toBeUndefined();
      for (const bad of [256, -1, 1.5]) expect(refusedField(submit({ [key]: bad }))).toBe(wire);
    }
  });

  it('data_sm and bind: the same for their Integer(1) fields', () => {
    for (const [key, wire] of [['sourceAddrTon', 'source_addr_ton'], ['sourceAddrNpi', 'source_addr_npi'], ['destAddrTon', 'dest_addr_ton'], ['destAddrNpi', 'dest_addr_npi'], ['esmClass', 'esm_class'], ['registeredDelivery', 'registered_delivery'], ['dataCoding', 'data_coding']] as const) {
      expect(refusedField(dataSm({ [key]: 255 }))).toBeUndefined();
      expect(refusedField(dataSm({ [key]: 256 }))).toBe(wire);
      expect(refusedField(dataSm({ [key]: -1 }))).toBe(wire);
    }
    for (const [key, wire] of [['interfaceVersion', 'interface_version'], ['addrTon', 'addr_ton'], ['addrNpi', 'addr_npi']] as const) {
      expect(refusedField(bind({ [key]: 255 }))).toBeUndefined();
      expect(refusedField(bind({ [key]: 256 }))).toBe(wire);
      expect(refusedField(bind({ [key]: -1 }))).toBe(wire);
    }
  });

  it('command_status and sequence_number take 0..2^32-1 and nothing else', () => {
    expect(refusedField({ command: 'enquire_link', status: 0xffffffff, sequence: 0xffffffff })).toBeUndefined();
    expect(refusedField({ command: 'enquire_link', status: 0, sequence: 0 })).toBeUndefined();
    expect(refusedField({ command: 'enquire_link', status: 2 ** 32 })).toBe('command_status');
    expect(refusedField({ command: 'enquire_link', status: -1 })).toBe('command_status');
    expect(refusedField({ command: 'enquire_link', status: 0.5 })).toBe('command_status');
    expect(refusedField({ command: 'enquire_link', sequence: 2 ** 32 })).toBe('sequence_number');
    expect(refusedField({ command: 'enquire_link', sequence: -1 })).toBe('sequence_number');
  });

  it('an unknown command carries its id and raw body; the id must fit 32 bits', () => {
    expect(encodePdu({ command: 'unknown', commandId: 0x00000103, body: hex('abcd'), sequence: 9 })).toEqual(hex('00000012 00000103 00000000 00000009 abcd'));
    expect(refusedField({ command: 'unknown', commandId: 2 ** 32, body: Buffer.alloc(0) })).toBe('command_id');
    expect(refusedField({ command: 'unknown', commandId: -1, body: Buffer.alloc(0) })).toBe('command_id');
  });

  it('encodeHeader writes any 32-bit values as unsigned', () => {
    expect(encodeHeader(0x80000015, -1, 7)).toEqual(hex('00000010 80000015 ffffffff 00000007'));
  });
});

describe('encoder: C-Octet Strings', () => {
  it('takes up to max-1 characters (the NUL is the last octet) and refuses one more', () => {
    // §4.4.1: source_addr and destination_addr Var. max 21; service_type max 6. §4.1.1: system_id 16, password 9.
    const cases: Array<[string, (s: string) => PduInit, number]> = [
      ['service_type', (s) => submit({ serviceType: s }), 6],
      ['source_addr', (s) => submit({ sourceAddr: s }), 21],
      ['destination_addr', (s) => submit({ destinationAddr: s }), 21],
      ['system_id', (s) => bind({ systemId: s }), 16],
      ['password', (s) => bind({ password: s }), 9],
      ['system_type', (s) => bind({ systemType: s }), 13],
      ['address_range', (s) => bind({ addressRange: s }), 41],
      ['source_addr', (s) => dataSm({ sourceAddr: s }), 65],
      ['message_id', (s) => ({ command: 'submit_sm_resp', messageId: s }), 65],
    ];
    for (const [wire, make, max] of cases) {
      expect(refusedField(make('1'.repeat(max - 1)))).toBeUndefined();
      expect(refusedField(make('1'.repeat(max)))).toBe(wire);
    }
  });

  it('refuses NUL and characters above U+00FF anywhere, takes U+0001 and U+00FF', () => {
    expect(refusedField(submit({ sourceAddr: 'a\u0001\u00ff' }))).toBeUndefined();
    expect(refusedField(submit({ sourceAddr: '\0' }))).toBe('source_addr');
    expect(refusedField(submit({ sourceAddr: 'ab\0' }))).toBe('source_addr');
    expect(refusedField(submit({ sourceAddr: '\u0100' }))).toBe('source_addr');
    expect(refusedField(submit({ sourceAddr: 123 as unknown as string }))).toBe('source_addr');
  });

  it('says what was wrong: the limit in characters, the character and where it is', () => {
    expect(() => encodePdu(submit({ sourceAddr: '1'.repeat(21) }))).toThrow('source_addr: longer than 20 characters');
    expect(() => encodePdu(submit({ sourceAddr: 'ab\u0100' }))).toThrow('source_addr: character U+0100 at 2 cannot be sent');
  });

  it('time fields are empty or exactly 16 characters (§7.1.1)', () => {
    expect(refusedField(submit({ validityPeriod: '000001000000000R' }))).toBeUndefined();
    expect(refusedField(submit({ validityPeriod: '00000100000000R' }))).toBe('validity_period');
    expect(refusedField(submit({ scheduleDeliveryTime: '0000010000000000R' }))).toBe('schedule_delivery_time');
    expect(refusedField(submit({ scheduleDeliveryTime: 'x' }))).toBe('schedule_delivery_time');
  });
});

describe('encoder: short_message and TLVs', () => {
  it('short_message takes 254 octets, not 255', () => {
    expect(refusedField(submit({ shortMessage: Buffer.alloc(254, 0x41) }))).toBeUndefined();
    expect(refusedField(submit({ shortMessage: Buffer.alloc(255, 0x41) }))).toBe('short_message');
  });

  it('TLV tags are 16-bit and values at most 65535 octets', () => {
    expect(refusedField({ ...submit(), tlvs: new Map([[0xffff, Buffer.alloc(65535)]]) })).toBeUndefined();
    expect(refusedField({ ...submit(), tlvs: new Map([[0, Buffer.alloc(0)]]) })).toBeUndefined();
    expect(refusedField({ ...submit(), tlvs: new Map([[0x10000, Buffer.alloc(1)]]) })).toBe('tlv');
    expect(refusedField({ ...submit(), tlvs: new Map([[-1, Buffer.alloc(1)]]) })).toBe('tlv');
    expect(refusedField({ ...submit(), tlvs: new Map([[1.5, Buffer.alloc(1)]]) })).toBe('tlv');
    expect(refusedField({ ...submit(), tlvs: new Map([[0x0424, Buffer.alloc(65536)]]) })).toBe('tlv');
  });

  it('header-only PDUs refuse TLVs but take an empty map', () => {
    for (const command of ['enquire_link', 'enquire_link_resp', 'unbind', 'unbind_resp', 'generic_nack'] as const) {
      expect(refusedField({ command, tlvs: new Map([[0x0427, u8Value(2)]]) })).toBe('tlvs');
      expect(encodePdu({ command, tlvs: new Map() })).toHaveLength(16);
    }
  });
});

describe('encoder: exact layouts', () => {
  it('submit_sm with every field at its default is the spec layout of empty strings and zeros', () => {
    // header; service_type NUL; ton npi source_addr NUL; ton npi "1" NUL; esm pid prio; two empty times;
    // registered replace data_coding sm_default sm_length; then TLVs tag/len/value.
    const p: PduInit = {
      command: 'submit_sm',
      ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.from('Hi') }),
      sequence: 2,
      tlvs: new Map([
        [0x020c, u16Value(0xbeef)],
        [0x0424, Buffer.alloc(0)],
      ]),
    };
    expect(encodePdu(p)).toEqual(hex('0000002e 00000004 00000000 00000002  00  0000 00  0000 3100  000000  00 00  00 00 00 00 02 4869  020c 0002 beef  0424 0000'));
  });

  it('data_sm with defaults: no time fields, no short_message (§4.7.1)', () => {
    expect(encodePdu({ ...dataSm({ esmClass: 4, dataCoding: 8 }), sequence: 1 })).toEqual(hex('0000001b 00000103 00000000 00000001  00  0000 00  0000 3100  04 00 08'));
  });

  it('responses: an error with nothing else has no body; otherwise message_id goes out, empty if absent', () => {
    expect(encodePdu({ command: 'submit_sm_resp', status: 0x45, sequence: 3 })).toEqual(hex('00000010 80000004 00000045 00000003'));
    expect(encodePdu({ command: 'submit_sm_resp', status: 0, sequence: 3 })).toEqual(hex('00000011 80000004 00000000 00000003 00'));
    expect(encodePdu({ command: 'submit_sm_resp', status: 0x45, messageId: 'a', sequence: 3 })).toEqual(hex('00000012 80000004 00000045 00000003 6100'));
    expect(encodePdu({ command: 'data_sm_resp', status: 0x45, sequence: 3, tlvs: new Map([[0x0425, u8Value(1)]]) })).toEqual(
      hex('00000016 80000103 00000045 00000003 00 0425 0001 01'),
    );
    expect(encodePdu({ command: 'bind_transceiver_resp', systemId: 'SMSC', sequence: 1 })).toEqual(hex('00000015 80000009 00000000 00000001 534d534300'));
  });
});

describe('TLV value helpers', () => {
  const tlvs = new Map<number, Buffer>([
    [1, hex('ff')],
    [2, hex('0102')],
    [4, hex('01020304')],
    [5, hex('')],
    [6, hex('0102')],
    [7, hex('010203')],
    [8, hex('6162')],
    [9, hex('610062')],
    [10, hex('00')],
  ]);

  it('read an integer only when the value is long enough for it', () => {
    expect(tlvU8(tlvs, 1)).toBe(0xff);
    expect(tlvU8(tlvs, 5)).toBeUndefined();
    expect(tlvU16(tlvs, 2)).toBe(0x0102);
    expect(tlvU16(tlvs, 1)).toBeUndefined();
    expect(tlvU32(tlvs, 4)).toBe(0x01020304);
    expect(tlvU32(tlvs, 7)).toBeUndefined();
    expect(tlvU32(tlvs, 99)).toBeUndefined();
  });

  it('read a C string up to its NUL, or the whole value without one', () => {
    expect(tlvCString(tlvs, 8)).toBe('ab');
    expect(tlvCString(tlvs, 9)).toBe('a');
    expect(tlvCString(tlvs, 10)).toBe('');
    expect(tlvCString(tlvs, 99)).toBeUndefined();
  });

  it('write big-endian integers and NUL-terminated strings', () => {
    expect(u8Value(0x1ff)).toEqual(hex('ff'));
    expect(u16Value(0x10203)).toEqual(hex('0203'));
    expect(u32Value(-1)).toEqual(hex('ffffffff'));
    expect(cStringValue('ab')).toEqual(hex('616200'));
    expect(cStringValue('')).toEqual(hex('00'));
  });
});
