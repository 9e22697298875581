/** Interop tests against the npm smpp package, as server for our client and as client of our simulator. */
import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Server as ForeignServer, type Session as ForeignSession } from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../../tools/smsc-sim/simulator.js';
import { bindSession } from '../../internal/smpp/client.js';
import { shortMessageFields } from '../../internal/smpp/pdu.js';
import type { Session } from '../../internal/smpp/session.js';

const sessionOpts = { windowSize: 10, responseTimeoutMs: 2_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 };

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe('interop with the npm smpp package', () => {
  it('our client binds to an smpp-package server and submits', async () => {
    const seen: PDU[] = [];
    const server: ForeignServer = smpp.createServer((session: ForeignSession) => {
      session.on('error', () => {});
      session.on('bind_transceiver', (pdu: PDU) => {
        seen.push(pdu);
        session.send(pdu.response({ system_id: 'foreign' }));
      });
      session.on('submit_sm', (pdu: PDU) => {
        seen.push(pdu);
        session.send(pdu.response({ message_id: 'foreign-1' }));
      });
      session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: PDU) => {
        session.send(pdu.response());
        session.close();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of [...server.sessions]) s.destroy();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;

    const session: Session = await bindSession({ host: '127.0.0.1', port, mode: 'transceiver', systemId: 'esme', password: 'pw', session: sessionOpts });
    const resp = await session.request({
      command: 'submit_sm',
      ...shortMessageFields({ sourceAddr: 'ACME', destinationAddr: '447700900001', registeredDelivery: 1, shortMessage: Buffer.from('hello interop') }),
    });
    expect(resp).toMatchObject({ command: 'submit_sm_resp', status: 0, messageId: 'foreign-1' });
    const link = await session.request({ command: 'enquire_link' });
    expect(link.command).toBe('enquire_link_resp');

    expect(seen[0]).toMatchObject({ command: 'bind_transceiver', system_id: 'esme', password: 'pw', interface_version: 0x34 });
    expect(seen[1]).toMatchObject({ command: 'submit_sm', source_addr: 'ACME', destination_addr: '447700900001', registered_delivery: 1 });
    expect((seen[1]!.short_message as { message: string }).message).toBe('hello interop');
    await session.unbind(1_000);
    expect(session.state).toBe('closed');
  });

  it('an smpp-package client binds to our simulator, submits, and gets a receipt', async () => {
    const sim: SmscSimulator = await startSmscSimulator({ host: '127.0.0.1', port: 0, systemId: 'esme', password: 'pw' });
    cleanups.push(() => sim.close());
    const client: ForeignSession = smpp.connect({ url: `smpp://127.0.0.1:${sim.port}` });
    client.on('error', () => {});
    cleanups.push(() => client.destroy());
    const receipts: PDU[] = [];
    client.on('deliver_sm', (pdu: PDU) => {
      receipts.push(pdu);
      client.send(pdu.response());
    });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));

    const bindResp = await new Promise<PDU>((resolve) => client.bind_transceiver({ system_id: 'esme', password: 'pw' }, resolve));
    expect(bindResp.command_status).toBe(0);

    const submitResp = await new Promise<PDU>((resolve) =>
      client.submit_sm({ source_addr: 'ACME', destination_addr: '447700900002', registered_delivery: 1, short_message: 'hi from node-smpp' }, resolve),
    );
    expect(submitResp.command_status).toBe(0);
    const id = submitResp.message_id as string;
    expect(id).toMatch(/^[0-9a-f]+$/);

    const deadline = Date.now() + 2_000;
    while (receipts.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    expect(receipts).toHaveLength(1);
    const r = receipts[0]!;
    expect(r.esm_class).toBe(4);
    expect(r.receipted_message_id).toBe(id);
    expect(r.message_state).toBe(2);
    expect((r.short_message as { message: string }).message).toContain(`id:${id} `);

    const bad = smpp.connect({ url: `smpp://127.0.0.1:${sim.port}` });
    bad.on('error', () => {});
    cleanups.push(() => bad.destroy());
    await new Promise<void>((resolve) => bad.once('connect', () => resolve()));
    const refused = await new Promise<PDU>((resolve) => bad.bind_transceiver({ system_id: 'esme', password: 'wrong' }, resolve));
    expect(refused.command_status).toBe(smpp.ESME_RINVPASWD);
  });
});
