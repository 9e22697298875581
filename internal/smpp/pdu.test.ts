/** Codec tests: round trips of every PDU type, hand-written byte vectors, malformed input, encode refusals. */
import { describe, expect, it } from 'vitest';
import { Status } from './command-status.js';
import { PduEncodeError } from './errors.js';
import {
  CommandId,
  decodePdu,
  encodePdu,
  shortMessageFields,
  dataSmFields,
  Tlv,
  tlvCString,
  tlvU8,
  tlvU16,
  cStringValue,
  u8Value,
  u16Value,
  type Pdu,
  type PduInit,
} from './pdu.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function decodeOk(frame: Buffer): Pdu {
  const r = decodePdu(frame);
  if (!r.ok) throw new Error(`decode failed: ${r.reason}`);
  return r.pdu;
}

function decodeFail(frame: Buffer): { status: number; sequence: number; commandId: number } {
  const r = decodePdu(frame);
  if (r.ok) throw new Error(`expected a decode failure, got ${r.pdu.command}`);
  return r;
}

/** A frame with command_length rewritten to the buffer's real length. */
function framed(body: Buffer, commandId: number, sequence = 7): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(commandId, 4);
  head.writeUInt32BE(0, 8);
  head.writeUInt32BE(sequence, 12);
  return Buffer.concat([head, body]);
}

const sm = shortMessageFields({
  serviceType: 'CMT',
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  sourceAddr: '447700900001',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '447700900002',
  esmClass: 0x40,
  protocolId: 0,
  priorityFlag: 1,
  scheduleDeliveryTime: '',
  validityPeriod: '000001000000000R',
  registeredDelivery: 1,
  dataCoding: 8,
  shortMessage: Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01, 0x00, 0x41]),
});

const samples: PduInit[] = [
  { command: 'bind_transmitter', systemId: 'smppclient1', password: 'password', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
  { command: 'bind_receiver', systemId: 'a', password: 'b', systemType: 'VMS', interfaceVersion: 0x34, addrTon: 1, addrNpi: 1, addressRange: '^44.*' },
  { command: 'bind_transceiver', systemId: 'x'.repeat(15), password: 'p'.repeat(8), systemType: 't'.repeat(12), interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: 'r'.repeat(40) },
  { command: 'bind_transceiver_resp', systemId: 'SMSC', tlvs: new Map([[Tlv.sc_interface_version, u8Value(0x34)]]) },
  { command: 'bind_receiver_resp', status: Status.ESME_RINVPASWD },
  { command: 'bind_transmitter_resp', systemId: '' },
  { command: 'submit_sm', ...sm },
  {
    command: 'submit_sm',
    ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.alloc(0) }),
    tlvs: new Map([
      [Tlv.message_payload, Buffer.alloc(1000, 0x61)],
      [Tlv.user_message_reference, u16Value(513)],
    ]),
  },
  { command: 'submit_sm', ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.alloc(254, 0x62) }) },
  { command: 'submit_sm_resp', messageId: '0123456789abcdef' },
  { command: 'submit_sm_resp', status: Status.ESME_RTHROTTLED },
  { command: 'submit_sm_resp', messageId: '' },
  {
    command: 'deliver_sm',
    ...shortMessageFields({ destinationAddr: '447700900001', sourceAddr: '447700900002', esmClass: 0x04, shortMessage: Buffer.from('id:abc stat:DELIVRD') }),
    tlvs: new Map([
      [Tlv.receipted_message_id, cStringValue('abc')],
      [Tlv.message_state, u8Value(2)],
      [Tlv.network_error_code, Buffer.from([3, 0, 0])],
    ]),
  },
  { command: 'deliver_sm_resp', messageId: '' },
  { command: 'deliver_sm_resp', status: Status.ESME_RX_T_APPN },
  {
    command: 'data_sm',
    ...dataSmFields({ sourceAddr: 's'.repeat(64), destinationAddr: 'd'.repeat(64), registeredDelivery: 1, dataCoding: 4 }),
    tlvs: new Map([
      [Tlv.message_payload, Buffer.from('payload')],
      [Tlv.sar_msg_ref_num, u16Value(9)],
      [Tlv.sar_total_segments, u8Value(2)],
      [Tlv.sar_segment_seqnum, u8Value(1)],
    ]),
  },
  { command: 'data_sm_resp', messageId: 'm1', tlvs: new Map([[0x1400, Buffer.from('vendor')]]) },
  { command: 'data_sm_resp', status: Status.ESME_RDELIVERYFAILURE },
  { command: 'enquire_link' },
  { command: 'enquire_link_resp' },
  { command: 'unbind' },
  { command: 'unbind_resp' },
  { command: 'generic_nack', status: Status.ESME_RINVCMDID },
  { command: 'unknown', commandId: CommandId.query_sm, body: Buffer.from('abc\0\x01\x01447\0') },
  { command: 'unknown', commandId: 0x00010203, body: Buffer.alloc(0) },
];

describe('encodePdu / decodePdu round trips', () => {
  it.each(samples.map((s, i) => [`${i} ${s.command}`, s] as const))('%s', (_name, init) => {
    const withHeader = { ...init, status: init.status ?? 0, sequence: 0x1234 };
    const frame = encodePdu(withHeader);
    expect(frame.readUInt32BE(0)).toBe(frame.length);
    const pdu = decodeOk(frame);
    const commandId = init.command === 'unknown' ? init.commandId : CommandId[init.command];
    expect(pdu).toEqual({ ...withHeader, commandId, tlvs: init.tlvs ?? new Map() });
    // Encoding what we decoded gives the same octets.
    expect(encodePdu(pdu).equals(frame)).toBe(true);
  });

  it('error responses without fields have an empty body', () => {
    expect(encodePdu({ command: 'submit_sm_resp', status: Status.ESME_RTHROTTLED, sequence: 3 })).toEqual(
      hex('00000010 80000004 00000058 00000003'),
    );
    expect(encodePdu({ command: 'bind_transceiver_resp', status: Status.ESME_RINVPASWD, sequence: 1 }).length).toBe(16);
    // Success responses always carry the field, empty when not given.
    expect(encodePdu({ command: 'deliver_sm_resp', sequence: 4 })).toEqual(hex('00000011 80000005 00000000 00000004 00'));
  });
});

describe('known byte vectors', () => {
  it('enquire_link', () => {
    const frame = hex('00000010 00000015 00000000 00000001');
    expect(decodeOk(frame)).toEqual({ command: 'enquire_link', commandId: 0x15, status: 0, sequence: 1, tlvs: new Map() });
    expect(encodePdu({ command: 'enquire_link', sequence: 1 })).toEqual(frame);
  });

  it('bind_transmitter', () => {
    const frame = hex(
      '0000002A 00000002 00000000 00000001' + '736d7070636c69656e743100' + '70617373776f726400' + '00' + '34 00 00' + '00',
    );
    const pdu = decodeOk(frame);
    expect(pdu).toMatchObject({
      command: 'bind_transmitter',
      systemId: 'smppclient1',
      password: 'password',
      systemType: '',
      interfaceVersion: 0x34,
      addrTon: 0,
      addrNpi: 0,
      addressRange: '',
    });
    expect(encodePdu(pdu)).toEqual(frame);
  });

  it('submit_sm', () => {
    const frame = hex(
      '0000003E 00000004 00000000 00000002' +
        '00' +
        '0101 343437373030393030303031 00' +
        '0101 343437373030393030303032 00' +
        '000000' +
        '00 00' +
        '01000000' +
        '05 68656c6c6f',
    );
    const pdu = decodeOk(frame);
    expect(pdu).toMatchObject({
      command: 'submit_sm',
      sequence: 2,
      sourceAddr: '447700900001',
      destinationAddr: '447700900002',
      registeredDelivery: 1,
      shortMessage: Buffer.from('hello'),
    });
    expect(encodePdu(pdu)).toEqual(frame);
  });

  it('submit_sm_resp and a receipt deliver_sm with TLVs', () => {
    expect(decodeOk(hex('00000014 80000004 00000000 00000002 61626300'))).toMatchObject({ command: 'submit_sm_resp', messageId: 'abc' });
    const receipt = hex(
      '0000002E 00000005 00000000 00000009' +
        '00 0000 00 0000 00 04 00 00 00 00 00 00 00 00' +
        '00' +
        '001E 0004 61626300' +
        '0427 0001 02',
    );
    const pdu = decodeOk(receipt);
    if (pdu.command !== 'deliver_sm') throw new Error('expected deliver_sm');
    expect(pdu.esmClass).toBe(4);
    expect(tlvCString(pdu.tlvs, Tlv.receipted_message_id)).toBe('abc');
    expect(tlvU8(pdu.tlvs, Tlv.message_state)).toBe(2);
    expect(tlvU16(pdu.tlvs, Tlv.message_state)).toBeUndefined();
  });

  it('reads receipted_message_id sent without its NUL', () => {
    const tlvs = new Map([[Tlv.receipted_message_id, Buffer.from('abc')]]);
    expect(tlvCString(tlvs, Tlv.receipted_message_id)).toBe('abc');
  });
});

describe('malformed input → ok:false with the status to answer', () => {
  const goodSubmit = encodePdu({ command: 'submit_sm', sequence: 7, ...sm });

  it('frames shorter than a header', () => {
    expect(decodeFail(Buffer.alloc(0)).status).toBe(Status.ESME_RINVCMDLEN);
    expect(decodeFail(hex('00000010 00000015 0000')).status).toBe(Status.ESME_RINVCMDLEN);
  });

  it('command_length that disagrees with the frame', () => {
    const f = Buffer.from(goodSubmit);
    f.writeUInt32BE(f.length + 5, 0);
    expect(decodeFail(f)).toMatchObject({ status: Status.ESME_RINVCMDLEN, sequence: 7, commandId: CommandId.submit_sm });
  });

  it('body cut inside the mandatory fields (every cut point)', () => {
    const body = goodSubmit.subarray(16);
    // Any cut before short_message ends is a failure; which status depends on where it falls.
    for (let cut = 0; cut < body.length; cut++) {
      const r = decodePdu(framed(body.subarray(0, cut), CommandId.submit_sm));
      expect(r.ok, `cut at ${cut}`).toBe(false);
      if (!r.ok) expect([Status.ESME_RINVCMDLEN, Status.ESME_RINVMSGLEN, Status.ESME_RINVEXPIRY]).toContain(r.status);
    }
  });

  it('C-string without its NUL', () => {
    expect(decodeFail(framed(Buffer.from('smppclient'), CommandId.bind_transmitter)).status).toBe(Status.ESME_RINVCMDLEN);
  });

  it('C-strings longer than their field', () => {
    const bind = Buffer.concat([Buffer.from('x'.repeat(16) + '\0pw\0\0'), Buffer.from([0x34, 0, 0, 0])]);
    expect(decodeFail(framed(bind, CommandId.bind_transceiver)).status).toBe(Status.ESME_RINVSYSID);
    const pw = Buffer.concat([Buffer.from('id\0' + 'p'.repeat(9) + '\0\0'), Buffer.from([0x34, 0, 0, 0])]);
    expect(decodeFail(framed(pw, CommandId.bind_transceiver)).status).toBe(Status.ESME_RINVPASWD);
    const dst = Buffer.concat([Buffer.from('\0\x01\x01123\0\x01\x01' + '9'.repeat(21) + '\0'), Buffer.alloc(10)]);
    expect(decodeFail(framed(dst, CommandId.submit_sm)).status).toBe(Status.ESME_RINVDSTADR);
    const msgId = Buffer.from('m'.repeat(65) + '\0');
    expect(decodeFail(framed(msgId, CommandId.submit_sm_resp)).status).toBe(Status.ESME_RINVMSGID);
  });

  it('schedule_delivery_time of a wrong length', () => {
    const body = Buffer.concat([Buffer.from('\0\0\0a\0\0\0b\0\0\0\0' + '12345\0' + '\0'), Buffer.alloc(5)]);
    expect(decodeFail(framed(body, CommandId.submit_sm)).status).toBe(Status.ESME_RINVSCHED);
  });

  it('sm_length beyond the octets left, or above 254', () => {
    const f = Buffer.from(goodSubmit);
    const smLengthAt = f.length - sm.shortMessage.length - 1;
    f[smLengthAt] = sm.shortMessage.length + 1;
    expect(decodeFail(f).status).toBe(Status.ESME_RINVMSGLEN);
    f[smLengthAt] = 255;
    expect(decodeFail(f).status).toBe(Status.ESME_RINVMSGLEN);
  });

  it('TLV stream: trailing octets, length overrun, wrong fixed length, partial SAR set', () => {
    expect(decodeFail(Buffer.concat([goodSubmit, Buffer.from([0x04])])).status).toBe(Status.ESME_RINVCMDLEN);
    const withTail = (tail: Buffer): Buffer => {
      const f = Buffer.concat([goodSubmit, tail]);
      f.writeUInt32BE(f.length, 0);
      return f;
    };
    expect(decodeFail(withTail(hex('0424'))).status).toBe(Status.ESME_RINVOPTPARSTREAM);
    expect(decodeFail(withTail(hex('0424 0010 6162'))).status).toBe(Status.ESME_RINVOPTPARSTREAM);
    expect(decodeFail(withTail(hex('0427 0002 0202'))).status).toBe(Status.ESME_RINVPARLEN);
    expect(decodeFail(withTail(hex('020C 0002 0001'))).status).toBe(Status.ESME_RMISSINGOPTPARAM);
    expect(decodePdu(withTail(hex('020C 0002 0001 020E 0001 02 020F 0001 01'))).ok).toBe(true);
  });

  it('a body where none belongs', () => {
    expect(decodeFail(hex('00000011 00000015 00000000 00000003 00')).status).toBe(Status.ESME_RINVCMDLEN);
  });

  it('unknown command ids decode as unknown with the raw body', () => {
    const pdu = decodeOk(hex('00000013 00000099 00000000 00000005 010203'));
    expect(pdu).toMatchObject({ command: 'unknown', commandId: 0x99, sequence: 5 });
    if (pdu.command === 'unknown') expect(pdu.body).toEqual(hex('010203'));
  });
});

describe('encode refuses what the wire cannot carry', () => {
  const enc = (p: PduInit): unknown => {
    try {
      encodePdu(p);
      return undefined;
    } catch (err) {
      return err;
    }
  };

  it('short_message over 254 octets points to message_payload', () => {
    const err = enc({ command: 'submit_sm', ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.alloc(255) }) });
    expect(err).toBeInstanceOf(PduEncodeError);
    expect((err as PduEncodeError).code).toBe('PDU_ENCODE');
    expect((err as PduEncodeError).message).toMatch(/message_payload/);
  });

  it('fields over their limit, NULs, non-latin1 characters, out-of-range integers, TLVs on header-only PDUs', () => {
    const bind = { command: 'bind_transceiver', systemId: 'id', password: 'pw', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' } as const;
    expect(enc({ ...bind, systemId: 'x'.repeat(16) })).toBeInstanceOf(PduEncodeError);
    expect(enc({ ...bind, password: 'p'.repeat(9) })).toBeInstanceOf(PduEncodeError);
    expect(enc({ ...bind, systemId: 'a\0b' })).toBeInstanceOf(PduEncodeError);
    expect(enc({ ...bind, systemId: 'ä€' })).toBeInstanceOf(PduEncodeError);
    expect(enc({ ...bind, addrTon: 256 })).toBeInstanceOf(PduEncodeError);
    expect(enc({ command: 'submit_sm', ...shortMessageFields({ destinationAddr: '1'.repeat(21), shortMessage: Buffer.alloc(1) }) })).toBeInstanceOf(PduEncodeError);
    expect(enc({ command: 'submit_sm', ...shortMessageFields({ destinationAddr: '1', validityPeriod: '123', shortMessage: Buffer.alloc(1) }) })).toBeInstanceOf(PduEncodeError);
    expect(enc({ command: 'enquire_link', tlvs: new Map([[1, Buffer.alloc(1)]]) })).toBeInstanceOf(PduEncodeError);
    expect(enc({ command: 'enquire_link', sequence: -1 })).toBeInstanceOf(PduEncodeError);
    expect(enc({ command: 'data_sm_resp', messageId: 'm'.repeat(65) })).toBeInstanceOf(PduEncodeError);
  });
});
