/**
 * Broken PDUs an SMSC may send, as raw bytes with a correct command_length (so the stream stays framed):
 * the ESME must answer each per SMPP 3.4 and keep the bind.
 *
 * - 'truncated-body': a deliver_sm whose body ends inside its mandatory fields (source_addr has no NUL).
 *   Expected answer: deliver_sm_resp ESME_RINVCMDLEN (0x02).
 * - 'bad-tlv': a complete deliver_sm followed by a TLV whose length runs past the end of the PDU.
 *   Expected answer: deliver_sm_resp ESME_RINVOPTPARSTREAM (0xC0).
 * - 'unknown-command': a header-only PDU with command_id 0x00000999, which SMPP 3.4 does not define.
 *   Expected answer: generic_nack ESME_RINVCMDID (0x03).
 */
import { CommandId } from '../../internal/smpp/command-id.js';
import { Status } from '../../internal/smpp/command-status.js';
import { encodePduAs } from '../../internal/smpp/pdu-encode.js';
import { HEADER_LENGTH, shortMessageFields, Tlv } from '../../internal/smpp/pdu.js';

export const MALFORMED_KINDS = ['truncated-body', 'bad-tlv', 'unknown-command'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export const UNKNOWN_COMMAND_ID = 0x00000999;

/** What a conforming ESME answers to each kind: the response command_id and command_status. */
export const EXPECTED_ANSWER: Readonly<Record<MalformedKind, { commandId: number; status: number }>> = {
  'truncated-body': { commandId: CommandId.deliver_sm_resp, status: Status.ESME_RINVCMDLEN },
  'bad-tlv': { commandId: CommandId.deliver_sm_resp, status: Status.ESME_RINVOPTPARSTREAM },
  'unknown-command': { commandId: CommandId.generic_nack, status: Status.ESME_RINVCMDID },
};

function header(length: number, commandId: number, sequence: number): Buffer {
  const b = Buffer.alloc(HEADER_LENGTH);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(commandId >>> 0, 4);
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(sequence >>> 0, 12);
  return b;
}

export function malformedPdu(kind: MalformedKind, sequence: number): Buffer {
  switch (kind) {
    case 'truncated-body': {
      // service_type "", source_addr_ton 1, source_addr_npi 1, then source_addr without its NUL: the PDU ends.
      const body = Buffer.concat([Buffer.from([0x00, 0x01, 0x01]), Buffer.from('447700900123', 'latin1')]);
      return Buffer.concat([header(HEADER_LENGTH + body.length, CommandId.deliver_sm, sequence), body]);
    }
    case 'bad-tlv': {
      const valid = encodePduAs(
        {
          command: 'deliver_sm',
          ...shortMessageFields({ sourceAddr: '447700900123', sourceAddrTon: 1, sourceAddrNpi: 1, destinationAddr: '12345', shortMessage: Buffer.from('hi') }),
        },
        0,
        sequence,
      );
      // message_payload announcing 100 octets, of which 3 follow.
      const tlv = Buffer.alloc(7);
      tlv.writeUInt16BE(Tlv.message_payload, 0);
      tlv.writeUInt16BE(100, 2);
      tlv.write('abc', 4, 'latin1');
      const pdu = Buffer.concat([valid, tlv]);
      pdu.writeUInt32BE(pdu.length, 0);
      return pdu;
    }
    case 'unknown-command':
      return header(HEADER_LENGTH, UNKNOWN_COMMAND_ID, sequence);
  }
}
