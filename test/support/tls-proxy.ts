/**
 * A TLS-terminating proxy in front of a plain TCP service (the SMSC simulator): it presents the certificate it is given
 * (which can be swapped while it runs, for connections made afterwards), forwards bytes both ways, counts completed
 * handshakes, and can cut every connection at once.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Issued } from './test-ca.js';

export interface TlsProxy {
  readonly port: number;
  /** Handshakes completed (connections that were forwarded). */
  readonly handshakes: number;
  /** Handshakes a client broke off (e.g. it did not trust the certificate). */
  readonly refusedHandshakes: number;
  /** The certificate later connections get. */
  present(cert: Issued): void;
  /** Destroys every open connection, both sides, as a cut link would. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTlsProxy(o: { cert: Issued; targetPort: number; targetHost?: string }): Promise<TlsProxy> {
  const open = new Set<net.Socket>();
  let handshakes = 0;
  let refusedHandshakes = 0;
  const track = (s: net.Socket): void => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = tls.createServer({ key: o.cert.key, cert: o.cert.cert }, (client) => {
    handshakes++;
    track(client);
    const upstream = net.connect({ host: o.targetHost ?? '127.0.0.1', port: o.targetPort });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.on('tlsClientError', () => refusedHandshakes++);
  server.on('connection', track);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get handshakes() {
      return handshakes;
    },
    get refusedHandshakes() {
      return refusedHandshakes;
    },
    present(cert) {
      server.setSecureContext({ key: cert.key, cert: cert.cert });
    },
    dropAll() {
      for (const s of [...open]) s.destroy();
    },
    close() {
      for (const s of [...open]) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
