/**
 * Decoder verdicts on broken PDUs: the status to answer and a reason that names the field, for a body cut before
 * each field in the order SMPP 3.4 gives them (§4.4.1 submit_sm, §4.7.1 data_sm, §4.1.1 bind), and the limits of
 * sm_length and the TLV stream. Frames are built here octet by octet.
 */
import { describe, expect, it } from 'vitest';
import { Status } from './command-status.js';
import { decodePdu } from './pdu-decode.js';

function frame(commandId: number, body: number[], sequence = 5): Buffer {
  const b = Buffer.alloc(16 + body.length);
  b.writeUInt32BE(b.length, 0);
  b.writeUInt32BE(commandId, 4);
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(sequence, 12);
  Buffer.from(body).copy(b, 16);
  return b;
}

function failure(f: Buffer): { status: number; reason: string; sequence: number; commandId: number } {
  const r = decodePdu(f);
  if (r.ok) throw new Error(`expected a failure, decoded ${r.pdu.command}`);
  return r;
}

const cstr = (s: string) => [...Buffer.from(s, 'latin1'), 0];

/** [field, its octets] in spec order. */
type Layout = Array<[string, number[]]>;

const SM_LAYOUT: Layout = [
  ['service_type', cstr('')],
  ['source_addr_ton', [1]],
  ['source_addr_npi', [1]],
  ['source_addr', cstr('4477')],
  ['dest_addr_ton', [1]],
  ['dest_addr_npi', [1]],
  ['destination_addr', cstr('4478')],
  ['esm_class', [0]],
  ['protocol_id', [0]],
  ['priority_flag', [0]],
  ['schedule_delivery_time', cstr('')],
  ['validity_period', cstr('')],
  ['registered_delivery', [1]],
  ['replace_if_present_flag', [0]],
  ['data_coding', [0]],
  ['sm_default_msg_id', [0]],
  ['sm_length', [0]],
];

const DATA_SM_LAYOUT: Layout = [
  ['service_type', cstr('')],
  ['source_addr_ton', [1]],
  ['source_addr_npi', [1]],
  ['source_addr', cstr('4477')],
  ['dest_addr_ton', [1]],
  ['dest_addr_npi', [1]],
  ['destination_addr', cstr('4478')],
  ['esm_class', [0]],
  ['registered_delivery', [0]],
  ['data_coding', [0]],
];

const BIND_LAYOUT: Layout = [
  ['system_id', cstr('id')],
  ['password', cstr('pw')],
  ['system_type', cstr('')],
  ['interface_version', [0x34]],
  ['addr_ton', [0]],
  ['addr_npi', [0]],
  ['address_range', cstr('')],
];

const body = (layout: Layout) => layout.flatMap(([, v]) => v);

describe('decoder: a body that ends before a field names that field', () => {
  for (const [name, id, layout] of [
    ['submit_sm', 0x00000004, SM_LAYOUT],
    ['deliver_sm', 0x00000005, SM_LAYOUT],
    ['data_sm', 0x00000103, DATA_SM_LAYOUT],
    ['bind_transceiver', 0x00000009, BIND_LAYOUT],
  ] as const) {
    it(name, () => {
      expect(decodePdu(frame(id, body(layout))).ok).toBe(true);
      for (let i = 0; i < layout.length; i++) {
        const f = failure(frame(id, body(layout.slice(0, i))));
        expect(f.status).toBe(Status.ESME_RINVCMDLEN);
        expect(f.reason).toContain(`before ${layout[i]![0]}`);
        expect(f.sequence).toBe(5);
        expect(f.commandId).toBe(id);
      }
    });
  }

  it('a C string cut before its NUL says so', () => {
    const cut = body(SM_LAYOUT.slice(0, 3)).concat([0x34, 0x34]);
    const f = failure(frame(0x00000004, cut));
    expect(f.status).toBe(Status.ESME_RINVCMDLEN);
    expect(f.reason).toMatch(/source_addr has no terminating NUL/);
  });

  it('a C string one octet over its limit gives the field’s own status and the limit in characters', () => {
    const long = SM_LAYOUT.map(([k, v]): [string, number[]] => [k, k === 'source_addr' ? cstr('1'.repeat(21)) : v]);
    const f = failure(frame(0x00000004, body(long)));
    expect(f.status).toBe(Status.ESME_RINVSRCADR);
    expect(f.reason).toMatch(/source_addr longer than 20 octets/);
    const fits = SM_LAYOUT.map(([k, v]): [string, number[]] => [k, k === 'source_addr' ? cstr('1'.repeat(20)) : v]);
    expect(decodePdu(frame(0x00000004, body(fits))).ok).toBe(true);
  });

  it('a time field of the wrong length names the field', () => {
    const bad = SM_LAYOUT.map(([k, v]): [string, number[]] => [k, k === 'validity_period' ? cstr('1') : v]);
    const f = failure(frame(0x00000004, body(bad)));
    expect(f.status).toBe(Status.ESME_RINVEXPIRY);
    expect(f.reason).toMatch(/validity_period must be empty or 16 characters/);
  });
});

describe('decoder: sm_length and the TLV stream', () => {
  const head = body(SM_LAYOUT.slice(0, -1));

  it('sm_length 255 is refused even with 255 octets after it (§4.4.1: at most 254)', () => {
    const f = failure(frame(0x00000004, [...head, 255, ...new Array<number>(255).fill(0x41)]));
    expect(f.status).toBe(Status.ESME_RINVMSGLEN);
    expect(f.reason).toContain('255');
    const ok = decodePdu(frame(0x00000004, [...head, 254, ...new Array<number>(254).fill(0x41)]));
    expect(ok.ok && ok.pdu.command === 'submit_sm' && ok.pdu.shortMessage.length).toBe(254);
  });

  it('sm_length past the end of the PDU says how many octets are left', () => {
    const f = failure(frame(0x00000004, [...head, 10, 0x41, 0x42, 0x43]));
    expect(f.status).toBe(Status.ESME_RINVMSGLEN);
    expect(f.reason).toMatch(/sm_length 10 exceeds the 3 octets left/);
  });

  it('1 to 3 trailing octets cannot hold a TLV; 4 (a zero-length TLV) can', () => {
    for (const n of [1, 2, 3]) {
      const f = failure(frame(0x00000004, [...head, 0, ...[0x14, 0x24, 0x00].slice(0, n)]));
      expect(f.status).toBe(Status.ESME_RINVOPTPARSTREAM);
      expect(f.reason).toMatch(new RegExp(`^${n} trailing octets`));
    }
    const ok = decodePdu(frame(0x00000004, [...head, 0, 0x14, 0x24, 0x00, 0x00]));
    expect(ok.ok && ok.pdu.tlvs.get(0x1424)).toEqual(Buffer.alloc(0));
  });

  it('a TLV longer than what is left, or of the wrong fixed size, names its tag', () => {
    const over = failure(frame(0x00000004, [...head, 0, 0x04, 0x24, 0x00, 0x05, 1, 2]));
    expect(over.status).toBe(Status.ESME_RINVOPTPARSTREAM);
    expect(over.reason).toMatch(/TLV 0x424 length 5 runs past/);
    const fixed = failure(frame(0x00000004, [...head, 0, 0x04, 0x27, 0x00, 0x02, 1, 2]));
    expect(fixed.status).toBe(Status.ESME_RINVPARLEN);
    expect(fixed.reason).toMatch(/TLV 0x427 must be 1 octets, got 2/);
  });

  it('SAR TLVs come as a set of three or not at all', () => {
    const sar = [0x02, 0x0c, 0x00, 0x02, 0x12, 0x34, 0x02, 0x0e, 0x00, 0x01, 0x02, 0x02, 0x0f, 0x00, 0x01, 0x01];
    expect(decodePdu(frame(0x00000004, [...head, 0, ...sar])).ok).toBe(true);
    const two = failure(frame(0x00000004, [...head, 0, ...sar.slice(0, 11)]));
    expect(two.status).toBe(Status.ESME_RMISSINGOPTPARAM);
    expect(two.reason).toMatch(/sar_msg_ref_num, sar_total_segments and sar_segment_seqnum/);
  });
});

describe('decoder: frames and headers', () => {
  it('a frame shorter than the header: command_id read when 8 octets are there, its length in the reason', () => {
    const eight = Buffer.from([0, 0, 0, 8, 0x00, 0x00, 0x00, 0x15]);
    expect(failure(eight)).toMatchObject({ status: Status.ESME_RINVCMDLEN, commandId: 0x15, sequence: 0 });
    expect(failure(eight).reason).toMatch(/frame of 8 octets/);
    expect(failure(eight.subarray(0, 7))).toMatchObject({ commandId: 0 });
  });

  it('command_length that is not the frame’s length is reported with both numbers', () => {
    const f = frame(0x00000015, []);
    f.writeUInt32BE(17, 0);
    const r = failure(f);
    expect(r.status).toBe(Status.ESME_RINVCMDLEN);
    expect(r.reason).toMatch(/command_length 17 but frame has 16 octets/);
  });

  it('a body on a header-only PDU is reported with its size', () => {
    const r = failure(frame(0x00000015, [1, 2, 3]));
    expect(r.status).toBe(Status.ESME_RINVCMDLEN);
    expect(r.reason).toMatch(/^3 octets of body/);
  });
});
