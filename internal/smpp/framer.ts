/** Cuts a TCP byte stream into whole SMPP frames by command_length, without quadratic copying. */
import { HEADER_LENGTH } from './pdu-fields.js';

export const DEFAULT_MAX_PDU_LENGTH = 65536;

/**
 * command_length outside [16, max]: the stream cannot be cut any more, because nothing else marks
 * where the next PDU starts. The session answers generic_nack ESME_RINVCMDLEN and closes.
 * commandId and sequence are those of the offending header, 0 where too few octets had arrived.
 */
export interface FramingError {
  commandLength: number;
  commandId: number;
  sequence: number;
  reason: string;
}

export interface Framer {
  /**
   * Feeds one chunk; calls onFrame once per complete frame, in order. Frames are views into the
   * chunks (never reused by us or by Node), so they stay valid after the call. After a framing
   * error the framer returns it and ignores all later input.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): FramingError | undefined;
  /** Octets held while waiting for the rest of a frame. */
  buffered(): number;
}

export function createFramer(opts: { maxPduLength?: number } = {}): Framer {
  const max = opts.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
  // Partial input is kept as a list and joined once the awaited frame is complete, so a large
  // frame arriving in many small chunks is copied once, not once per chunk.
  let held: Buffer[] = [];
  let heldLength = 0;
  let need = 4;
  let failed: FramingError | undefined;

  function push(chunk: Buffer, onFrame: (frame: Buffer) => void): FramingError | undefined {
    if (failed) return undefined;
    let data: Buffer;
    if (heldLength === 0) {
      data = chunk;
    } else {
      held.push(chunk);
      heldLength += chunk.length;
      if (heldLength < need) return undefined;
      data = Buffer.concat(held, heldLength);
      held = [];
      heldLength = 0;
    }
    const n = data.length;
    let off = 0;
    while (n - off >= 4) {
      const len = data.readUInt32BE(off);
      if (len < HEADER_LENGTH || len > max) {
        failed = {
          commandLength: len,
          commandId: n - off >= 8 ? data.readUInt32BE(off + 4) : 0,
          sequence: n - off >= 16 ? data.readUInt32BE(off + 12) : 0,
          reason: len < HEADER_LENGTH ? `command_length ${len} is shorter than the header` : `command_length ${len} exceeds ${max}`,
        };
        held = [];
        heldLength = 0;
        return failed;
      }
      if (n - off < len) break;
      onFrame(off === 0 && len === n ? data : data.subarray(off, off + len));
      off += len;
    }
    if (off < n) {
      const rest = off === 0 ? data : data.subarray(off);
      held = [rest];
      heldLength = rest.length;
      need = rest.length >= 4 ? rest.readUInt32BE(0) : 4;
    } else {
      need = 4;
    }
    return undefined;
  }

  return { push, buffered: () => heldLength };
}
