/** Runs net-smpp-oracle-smsc.pl (Net::SMPP) as a ForeignSmsc: JSON lines out of it, commands into it. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitUntil } from '../support/connector-harness.js';
import type { Capture, ForeignSmsc, MoPartSpec, ReceiptSpec } from './foreign-smsc.js';
import { requireNetSmpp } from './foreign-smsc.js';
import { contentOctets } from './oracle/encode.js';

const SCRIPT = join(import.meta.dirname, 'net-smpp-oracle-smsc.pl');

interface Pending {
  resolve(status: number): void;
  reject(err: Error): void;
}

type Line =
  | { event: 'listening'; port: number }
  | { event: 'bound'; system_id: string }
  | { event: 'closed'; system_id: string | null }
  | {
      event: 'submit_sm';
      system_id: string;
      message_id: string;
      body: string;
      esm_class: number;
      data_coding: number;
      source_addr: string;
      destination_addr: string;
      registered_delivery: number;
      short_message: string;
      tlvs: Record<string, string>;
    }
  | { event: 'deliver_sent'; ref: number; system_id: string; seq: number }
  | { event: 'deliver_sm_resp'; system_id: string; seq: number; status: number }
  | { event: 'error'; ref: number; message: string };

export async function startNetSmppSmsc(): Promise<ForeignSmsc> {
  requireNetSmpp();
  const child: ChildProcessWithoutNullStreams = spawn('perl', [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const captures: Capture[] = [];
  const bound = new Set<string>();
  const byRef = new Map<number, Pending>();
  const bySeq = new Map<string, Pending>();
  let nextRef = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the Net::SMPP SMSC exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (raw) => {
      const l = JSON.parse(raw) as Line;
      switch (l.event) {
        case 'listening':
          resolve(l.port);
          break;
        case 'bound':
          bound.add(l.system_id);
          break;
        case 'closed':
          if (l.system_id) bound.delete(l.system_id);
          break;
        case 'submit_sm':
          captures.push({
            systemId: l.system_id,
            messageId: l.message_id,
            body: Buffer.from(l.body, 'hex'),
            foreign: {
              esmClass: l.esm_class,
              dataCoding: l.data_coding,
              sourceAddr: l.source_addr,
              destinationAddr: l.destination_addr,
              registeredDelivery: l.registered_delivery,
              shortMessage: Buffer.from(l.short_message, 'hex'),
              tlvs: new Map(Object.entries(l.tlvs).map(([tag, v]) => [parseInt(tag, 16), Buffer.from(v, 'hex')])),
            },
          });
          break;
        case 'deliver_sent': {
          const p = byRef.get(l.ref);
          byRef.delete(l.ref);
          if (p) bySeq.set(`${l.system_id}/${l.seq}`, p);
          break;
        }
        case 'deliver_sm_resp': {
          const key = `${l.system_id}/${l.seq}`;
          bySeq.get(key)?.resolve(l.status);
          bySeq.delete(key);
          break;
        }
        case 'error':
          byRef.get(l.ref)?.reject(new Error(`Net::SMPP SMSC: ${l.message}`));
          byRef.delete(l.ref);
          break;
      }
    });
  });

  function command(c: Record<string, unknown>): Promise<number> {
    const ref = ++nextRef;
    return new Promise<number>((resolve, reject) => {
      byRef.set(ref, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ ...c, ref })}\n`);
    });
  }

  return {
    name: 'Net::SMPP',
    port,
    captures,
    waitBound: (ids, timeoutMs) => waitUntil(`binds ${ids.join(', ')} at the Net::SMPP SMSC`, () => ids.every((id) => bound.has(id)), timeoutMs),
    sendReceipt(r: ReceiptSpec) {
      return command({
        op: 'receipt',
        system_id: r.systemId,
        message_id: r.messageId,
        format: r.format,
        stat: r.stat,
        state: r.state,
        err: r.err ?? 0,
        from: r.from,
        to: r.to,
        text: r.text ?? '',
      });
    },
    sendMo(p: MoPartSpec) {
      const content = p.content ?? contentOctets(p.text, p.dataCoding);
      const tlvs: Record<string, string> = {};
      if (p.sar) {
        tlvs.sar_msg_ref_num = Buffer.from([p.sar.ref >> 8, p.sar.ref & 0xff]).toString('hex');
        tlvs.sar_total_segments = Buffer.from([p.sar.total]).toString('hex');
        tlvs.sar_segment_seqnum = Buffer.from([p.sar.seq]).toString('hex');
      }
      return command({
        op: 'deliver',
        system_id: p.systemId,
        source_addr: p.from,
        source_addr_ton: 1,
        destination_addr: p.to,
        esm_class: p.udh ? 0x40 : 0,
        data_coding: p.dataCoding,
        short_message: Buffer.concat([p.udh ?? Buffer.alloc(0), content]).toString('hex'),
        tlvs,
      });
    },
    async close() {
      if (exited) return;
      // EOF on stdin ends the script; SIGKILL only if it does not.
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(t);
    },
  };
}
