/**
 * A free TCP port on loopback for servers a test or benchmark starts itself.
 *
 * Ports come from below the kernel's ephemeral range: a port the OS hands out for `listen(0)` is an ephemeral one,
 * and between closing the probe and the server's own bind, any outgoing connection on the machine (a benchmark
 * opens hundreds) may take it as its local port — a loaded run saw nats-server fail with "address already in use"
 * that way. Outgoing connections never take ports below the range, so only another server could; the probe bind
 * rules out those that already have it.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

const LOWEST = 10_000;
/** Debian's default range starts at 32768. */
const DEFAULT_EPHEMERAL_LOW = 32_768;
const ATTEMPTS = 200;

let ephemeralLow: Promise<number> | undefined;

function readEphemeralLow(): Promise<number> {
  ephemeralLow ??= readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').then(
    (text) => {
      const low = Number(text.trim().split(/\s+/)[0]);
      return Number.isInteger(low) && low > 0 ? low : DEFAULT_EPHEMERAL_LOW;
    },
    () => DEFAULT_EPHEMERAL_LOW,
  );
  return ephemeralLow;
}

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const addr = s.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      s.close(() => resolve(got));
    });
  });
}

/** Ports handed out by this process, never handed out twice: two servers of one test must not get the same. */
const given = new Set<number>();

export async function freePort(): Promise<number> {
  const high = (await readEphemeralLow()) - 1;
  if (high - LOWEST >= 1000) {
    for (let i = 0; i < ATTEMPTS; i++) {
      const port = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
      if (given.has(port)) continue;
      if ((await listenOn(port)) === port) {
        given.add(port);
        return port;
      }
    }
  }
  // A machine whose ephemeral range leaves no room below it: ask the OS.
  const port = await listenOn(0);
  if (port === undefined) throw new Error('no free TCP port on 127.0.0.1');
  given.add(port);
  return port;
}
