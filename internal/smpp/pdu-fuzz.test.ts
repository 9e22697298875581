/** Fuzz tests: 20,000 hostile frames through decodePdu, and through framer + session over a real socket. */
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../core/test-prng.js';
import { CommandId } from './command-id.js';
import { PduEncodeError } from './errors.js';
import { decodePdu, encodePdu, shortMessageFields, Tlv, u8Value, cStringValue, type PduInit } from './pdu.js';
import { createSession } from './session.js';
import { rawPeer, socketPair, type SocketPair } from './test-peer.js';


const valid: Buffer[] = (
  [
    { command: 'bind_transceiver', systemId: 'esme', password: 'pw', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
    { command: 'bind_transceiver_resp', systemId: 'smsc' },
    { command: 'submit_sm', ...shortMessageFields({ sourceAddr: '447700900001', destinationAddr: '447700900002', registeredDelivery: 1, shortMessage: Buffer.from('hello world') }) },
    {
      command: 'deliver_sm',
      ...shortMessageFields({ destinationAddr: '1', esmClass: 4, shortMessage: Buffer.from('id:1 stat:DELIVRD') }),
      tlvs: new Map([
        [Tlv.receipted_message_id, cStringValue('1')],
        [Tlv.message_state, u8Value(2)],
      ]),
    },
    { command: 'submit_sm_resp', messageId: 'abc' },
    { command: 'data_sm', sourceAddr: 'a', destinationAddr: 'b', serviceType: '', sourceAddrTon: 0, sourceAddrNpi: 0, destAddrTon: 0, destAddrNpi: 0, esmClass: 0, registeredDelivery: 0, dataCoding: 0 },
    { command: 'enquire_link' },
    { command: 'generic_nack', status: 3 },
  ] satisfies PduInit[]
).map((p, i) => encodePdu({ ...p, sequence: i + 1 }));

const KNOWN_IDS = Object.values(CommandId) as number[];

function randomBytes(rnd: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** One hostile frame: random, bit-flipped, truncated, extended, or spliced from valid PDUs. */
function hostileFrame(rnd: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const kind = Math.floor(rnd() * 6);
  let f: Buffer;
  switch (kind) {
    case 0:
      f = randomBytes(rnd, Math.floor(rnd() * 120));
      break;
    case 1: {
      f = Buffer.from(pick(valid));
      const flips = 1 + Math.floor(rnd() * 6);
      for (let i = 0; i < flips; i++) {
        const at = Math.floor(rnd() * f.length);
        f[at] = f[at]! ^ (1 << Math.floor(rnd() * 8));
      }
      break;
    }
    case 2: {
      const v = pick(valid);
      f = Buffer.from(v.subarray(0, Math.floor(rnd() * v.length)));
      break;
    }
    case 3:
      f = Buffer.concat([pick(valid), randomBytes(rnd, 1 + Math.floor(rnd() * 30))]);
      break;
    case 4: {
      const a = pick(valid);
      const b = pick(valid);
      f = Buffer.concat([a.subarray(0, Math.floor(rnd() * a.length)), b.subarray(Math.floor(rnd() * b.length))]);
      break;
    }
    default: {
      // A known command id over a random body, so every decoder path sees garbage.
      f = Buffer.concat([Buffer.alloc(16), randomBytes(rnd, Math.floor(rnd() * 80))]);
      f.writeUInt32BE(pick(KNOWN_IDS), 4);
      f.writeUInt32BE(Math.floor(rnd() * 0x7fffffff) + 1, 12);
      break;
    }
  }
  // Sometimes leave command_length as the mutation made it, sometimes make it tell the truth.
  if (f.length >= 4 && rnd() < 0.7) f.writeUInt32BE(f.length, 0);
  return f;
}

describe('fuzz: decodePdu', () => {
  it('never throws on 20,000 hostile frames', () => {
    const rnd = seededRandom(0x5eed);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < 20_000; i++) {
      const frame = hostileFrame(rnd);
      const r = decodePdu(frame);
      expect(typeof r.ok).toBe('boolean');
      if (r.ok) {
        ok++;
        try {
          encodePdu(r.pdu);
        } catch (err) {
          // Whatever decodes must at worst be refused cleanly on the way back out.
          expect(err).toBeInstanceOf(PduEncodeError);
        }
      } else {
        failed++;
        expect(r.status).toBeGreaterThan(0);
      }
    }
    expect(ok + failed).toBe(20_000);
    expect(failed).toBeGreaterThan(1_000);
  });
});

describe('fuzz: framer + session over a real socket', () => {
  let p: SocketPair | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('answers and survives 20,000 hostile (well-framed) PDUs, then still answers enquire_link', async () => {
    p = await socketPair();
    const session = createSession(p.server, { windowSize: 10, responseTimeoutMs: 5_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 });
    let handled = 0;
    session.onRequest(() => {
      handled++;
      return { status: 0, messageId: 'x', systemId: 'smsc' };
    });
    const peer = rawPeer(p.client);
    peer.send({ command: 'bind_transceiver', sequence: 1, systemId: 'esme', password: 'pw', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' });
    await peer.next((x) => x.command === 'bind_transceiver_resp');

    const rnd = seededRandom(0xf00d);
    const batch: Buffer[] = [];
    for (let i = 0; i < 20_000; i++) {
      let f = hostileFrame(rnd);
      if (f.length < 16) f = Buffer.concat([f, Buffer.alloc(16 - f.length)]);
      // Framing stays intact: command_length always tells the truth on the socket.
      f.writeUInt32BE(f.length, 0);
      // unbind (well-formed or not) would legitimately end the session; the test is about surviving garbage.
      if (f.readUInt32BE(4) === CommandId.unbind) f.writeUInt32BE(0x99, 4);
      batch.push(f);
      if (batch.length === 500) {
        peer.write(Buffer.concat(batch));
        batch.length = 0;
        await new Promise((res) => setImmediate(res));
      }
    }
    peer.send({ command: 'enquire_link', sequence: 0x7abcdef });
    const resp = await peer.next((x) => x.command === 'enquire_link_resp' && x.sequence === 0x7abcdef, 20_000);
    expect(resp.status).toBe(0);
    expect(session.state).toBe('bound');
    expect(peer.received.length).toBeGreaterThan(1_000);
    expect(handled).toBeGreaterThan(0);
    session.close();
  }, 60_000);
});
