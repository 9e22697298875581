/** The malformed PDUs decode as the kind says, with the status the README's decisions table gives. */
import { describe, expect, it } from 'vitest';
import { decodePdu } from '../../internal/smpp/pdu.js';
import { EXPECTED_ANSWER, MALFORMED_KINDS, malformedPdu, UNKNOWN_COMMAND_ID } from './malformed.js';

describe('malformed PDUs', () => {
  it('carry a correct command_length and the given sequence', () => {
    for (const kind of MALFORMED_KINDS) {
      const b = malformedPdu(kind, 0x7fff0001);
      expect(b.readUInt32BE(0), kind).toBe(b.length);
      expect(b.readUInt32BE(12), kind).toBe(0x7fff0001);
    }
  });

  it('decode to the status a conforming ESME answers', () => {
    const truncated = decodePdu(malformedPdu('truncated-body', 7));
    expect(truncated).toMatchObject({ ok: false, status: EXPECTED_ANSWER['truncated-body'].status, sequence: 7 });
    const badTlv = decodePdu(malformedPdu('bad-tlv', 8));
    expect(badTlv).toMatchObject({ ok: false, status: EXPECTED_ANSWER['bad-tlv'].status, sequence: 8 });
    const unknown = decodePdu(malformedPdu('unknown-command', 9));
    expect(unknown).toMatchObject({ ok: true, pdu: { command: 'unknown', commandId: UNKNOWN_COMMAND_ID, sequence: 9 } });
  });
});
