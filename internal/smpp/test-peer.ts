/** Test support only: connected TCP socket pairs on 127.0.0.1, and a raw SMPP peer that writes bytes and collects what it receives. */
import net from 'node:net';
import { createFramer } from './framer.js';
import { decodePdu } from './pdu-decode.js';
import { encodePdu } from './pdu-encode.js';
import type { DecodeResult, Pdu, PduInit } from './pdu-types.js';

export interface SocketPair {
  client: net.Socket;
  server: net.Socket;
  close(): Promise<void>;
}

export async function socketPair(): Promise<SocketPair> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const server = await accepted;
  return {
    client,
    server,
    close: async () => {
      client.destroy();
      server.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

export interface RawPeer {
  readonly socket: net.Socket;
  /** Every decoded frame received, in order (failures included). */
  readonly received: DecodeResult[];
  write(bytes: Buffer): void;
  send(pdu: PduInit): void;
  /** The next received PDU matching `match` (already received ones count), or rejects after timeoutMs. */
  next(match?: (pdu: Pdu) => boolean, timeoutMs?: number): Promise<Pdu>;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
}

export function rawPeer(socket: net.Socket): RawPeer {
  const framer = createFramer({ maxPduLength: 1 << 20 });
  const received: DecodeResult[] = [];
  let consumed = 0;
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    framer.push(chunk, (frame) => {
      received.push(decodePdu(Buffer.from(frame)));
    });
    for (const w of [...waiters]) w();
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  function next(match: (pdu: Pdu) => boolean = () => true, timeoutMs = 2_000): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      const check = (): boolean => {
        while (consumed < received.length) {
          const r = received[consumed++]!;
          if (r.ok && match(r.pdu)) {
            resolve(r.pdu);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const waiter = (): void => {
        if (check()) {
          waiters.delete(waiter);
          clearTimeout(timer);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching PDU within ${timeoutMs}ms (received ${received.length})`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  return {
    socket,
    received,
    write: (bytes) => socket.write(bytes),
    send: (pdu) => socket.write(encodePdu(pdu)),
    next,
    closed,
  };
}

export function waitFor(cond: () => boolean, timeoutMs = 2_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  return new Promise<void>((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() - start > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}
