/** Framer tests: frames out of any chunking, and unrecoverable command_length reported once. */
import { describe, expect, it } from 'vitest';
import { createFramer } from './framer.js';
import { encodePdu, shortMessageFields } from './pdu.js';

const frames = [
  encodePdu({ command: 'enquire_link', sequence: 1 }),
  encodePdu({ command: 'submit_sm', sequence: 2, ...shortMessageFields({ destinationAddr: '123', shortMessage: Buffer.alloc(200, 1) }) }),
  encodePdu({ command: 'submit_sm_resp', sequence: 3, messageId: 'abc' }),
];
const stream = Buffer.concat(frames);

function collect(chunks: Buffer[], maxPduLength?: number): { out: Buffer[]; error: unknown } {
  const framer = createFramer({ maxPduLength });
  const out: Buffer[] = [];
  let error: unknown;
  for (const c of chunks) {
    const e = framer.push(c, (f) => out.push(Buffer.from(f)));
    if (e) error = e;
  }
  return { out, error };
}

describe('framer', () => {
  it('yields whole frames from one chunk', () => {
    expect(collect([stream]).out).toEqual(frames);
  });

  it('yields the same frames however the stream is split', () => {
    for (const size of [1, 2, 3, 5, 7, 16, 17, 100]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      expect(collect(chunks).out, `chunks of ${size}`).toEqual(frames);
    }
  });

  it('holds a partial frame until the rest arrives', () => {
    const framer = createFramer();
    const out: Buffer[] = [];
    framer.push(stream.subarray(0, 20), (f) => out.push(f));
    expect(out).toHaveLength(1);
    expect(framer.buffered()).toBe(4);
  });

  it('reports command_length below 16 or above the maximum, with the header it could read, and then stops', () => {
    const short = Buffer.from('0000000800000015000000000000002a', 'hex');
    expect(collect([short]).error).toMatchObject({ commandLength: 8, commandId: 0x15, sequence: 42 });
    const big = Buffer.from('0001000100000004000000000000000b', 'hex');
    expect(collect([big], 65536).error).toMatchObject({ commandLength: 65537, sequence: 11 });
    const after = collect([short, frames[0]!]);
    expect(after.out).toHaveLength(0);
  });

  it('reports a bad length after good frames in the same chunk', () => {
    const { out, error } = collect([Buffer.concat([frames[0]!, Buffer.from('00000003', 'hex')])]);
    expect(out).toHaveLength(1);
    expect(error).toMatchObject({ commandLength: 3, commandId: 0, sequence: 0 });
  });

  it('takes a frame of exactly the maximum length, and refuses one octet more', () => {
    const at = (len: number) => Buffer.concat([Buffer.from([0, 0, 0, len, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1]), Buffer.alloc(len - 16)]);
    expect(collect([at(20)], 20)).toMatchObject({ out: [at(20)], error: undefined });
    expect(collect([at(21)], 20).error).toMatchObject({ commandLength: 21, reason: 'command_length 21 exceeds 20' });
  });

  it('reads command_id from a bad header as soon as 8 octets are there, sequence at 16, and says which bound was broken', () => {
    expect(collect([Buffer.from('0000000500000015', 'hex')]).error).toEqual({
      commandLength: 5,
      commandId: 0x15,
      sequence: 0,
      reason: 'command_length 5 is shorter than the header',
    });
    expect(collect([Buffer.from('00000005000000', 'hex')]).error).toMatchObject({ commandId: 0, sequence: 0 });
  });
});
