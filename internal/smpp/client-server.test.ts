/** Client/server tests: bind outcomes, connect failures, TLS with a certificate made by openssl. */
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bindSession, type BindOptions } from './client.js';
import { Status } from './command-status.js';
import { BindRejectedError, ConnectError } from './errors.js';
import { shortMessageFields, Tlv, tlvU8, type BindPdu } from './pdu.js';
import { createSmppServer, type SmppServer, type SmppServerOptions } from './server.js';
import { rawPeer, waitFor } from './test-peer.js';
import type { SessionOptions } from './session.js';

const sessionOpts: SessionOptions = { windowSize: 10, responseTimeoutMs: 2_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 };

let servers: SmppServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function server(overrides: Partial<SmppServerOptions> = {}): Promise<{ server: SmppServer; binds: BindPdu[] }> {
  const binds: BindPdu[] = [];
  const s = await createSmppServer({
    host: '127.0.0.1',
    port: 0,
    session: sessionOpts,
    onBind: (bind) => {
      binds.push(bind);
      return bind.password === 'secret' ? 0 : Status.ESME_RINVPASWD;
    },
    onSession: (session) => session.onRequest(() => ({ status: 0, messageId: 'srv-1' })),
    ...overrides,
  });
  servers.push(s);
  return { server: s, binds };
}

const client = (port: number, extra: Partial<BindOptions> = {}) =>
  bindSession({ host: '127.0.0.1', port, mode: 'transceiver', systemId: 'esme', password: 'secret', session: sessionOpts, ...extra });

describe('bindSession ↔ createSmppServer', () => {
  it('binds with good credentials, as SMPP 3.4, and submits', async () => {
    const { server: s, binds } = await server();
    const session = await client(s.port);
    expect(session.state).toBe('bound');
    expect(binds[0]).toMatchObject({ command: 'bind_transceiver', systemId: 'esme', interfaceVersion: 0x34 });
    const resp = await session.request({ command: 'submit_sm', ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.from('hi') }) });
    expect(resp).toMatchObject({ command: 'submit_sm_resp', status: 0, messageId: 'srv-1' });
    expect(s.sessions()).toHaveLength(1);
    await session.unbind();
  });

  it('answers binds with its system_id and the sc_interface_version TLV', async () => {
    const { server: s } = await server({ systemId: 'SMSC1' });
    const socket = net.connect({ host: '127.0.0.1', port: s.port });
    await new Promise((res) => socket.once('connect', res));
    const peer = rawPeer(socket);
    peer.send({ command: 'bind_transmitter', sequence: 1, systemId: 'esme', password: 'secret', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' });
    const resp = await peer.next();
    expect(resp).toMatchObject({ command: 'bind_transmitter_resp', status: 0, systemId: 'SMSC1' });
    expect(tlvU8(resp.tlvs, Tlv.sc_interface_version)).toBe(0x34);
    socket.destroy();
  });

  it('rejects a bad password with BindRejectedError 0x0E, and the server closes that connection', async () => {
    const { server: s } = await server();
    const err = await client(s.port, { password: 'wrong' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BindRejectedError);
    expect(err).toMatchObject({ code: 'BIND_REJECTED', status: Status.ESME_RINVPASWD });
    await waitFor(() => s.sessions().length === 0, 5_000, 'the refused connection closed');
  });

  it('fails with ConnectError when nothing listens, and when no bind_resp comes', async () => {
    const { server: s } = await server();
    const port = s.port;
    await s.close();
    servers = [];
    const refused = await client(port).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectError);
    expect(refused).toMatchObject({ code: 'CONNECT_FAILED', phase: 'connect' });

    const { server: slow } = await server({ onBind: () => new Promise<number>(() => {}) });
    const timedOut = await client(slow.port, { bindTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: 'CONNECT_FAILED', phase: 'bind' });
  });

  it('refuses credentials that cannot be encoded before dialling', async () => {
    await expect(client(1, { systemId: 'x'.repeat(20) })).rejects.toMatchObject({ code: 'PDU_ENCODE' });
  });

  it('hands deliver_sm sent right behind bind_resp to the onRequest given to bindSession', async () => {
    let answered: Promise<unknown> | undefined;
    const { server: s } = await server({
      onSession: (session) => {
        answered = session.request({ command: 'deliver_sm', ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.from('mo') }) });
      },
    });
    const got: string[] = [];
    const session2 = await bindSession({
      host: '127.0.0.1',
      port: s.port,
      mode: 'receiver',
      systemId: 'esme',
      password: 'secret',
      session: sessionOpts,
      onRequest: (pdu) => {
        if (pdu.command === 'deliver_sm') got.push(pdu.shortMessage.toString());
        return { status: 0 };
      },
    });
    await waitFor(() => answered !== undefined, 5_000, 'the deliver_sm sent');
    // The SMSC side has its deliver_sm_resp: by then the handler has run.
    await expect(answered).resolves.toMatchObject({ command: 'deliver_sm_resp', status: 0 });
    expect(got).toEqual(['mo']);
    session2.close();
  });
});

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const opensslMissing = !haveOpenssl();

describe('TLS (self-signed certificate made with openssl)', () => {
  let dir = '';
  let key = '';
  let cert = '';
  beforeAll(() => {
    // Never a silent skip: make test installs openssl (scripts/ensure-test-services.sh).
    if (opensslMissing) throw new Error('openssl is not installed: run scripts/ensure-test-services.sh, or apt-get install openssl');
    dir = mkdtempSync(join(tmpdir(), 'smpp-tls-'));
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('binds over TLS when the certificate is trusted', async () => {
    const { server: s } = await server({ tls: { key, cert } });
    const session = await client(s.port, { tls: { ca: cert } });
    const resp = await session.request({ command: 'submit_sm', ...shortMessageFields({ destinationAddr: '1', shortMessage: Buffer.from('tls') }) });
    expect(resp).toMatchObject({ status: 0, messageId: 'srv-1' });
    await session.unbind();
  });

  it('verifies by default: an unknown CA is a ConnectError in the tls phase', async () => {
    const { server: s } = await server({ tls: { key, cert } });
    const err = await client(s.port, { tls: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).toMatchObject({ code: 'CONNECT_FAILED', phase: 'tls' });
  });

  it('binds to an unknown CA only when verification is turned off explicitly', async () => {
    const { server: s } = await server({ tls: { key, cert } });
    const session = await client(s.port, { tls: { rejectUnauthorized: false } });
    expect(session.state).toBe('bound');
    session.close();
  });
});
