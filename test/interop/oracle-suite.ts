/**
 * The interop oracle suite, run once per foreign SMSC: the whole gateway (edge, connector, status writer, MO
 * writer; real nats-server and PostgreSQL) with one carrier per concatenation method, all bound to an SMSC this
 * project did not write.
 *   - Out: every submit_sm it captures is read by the oracle (test/interop/oracle: SMPP 3.4 and 3GPP TS 23.038 /
 *     23.040 written out in the test, nothing from internal/sms or internal/smpp), held against the foreign
 *     implementation's own decoding, and the joined text must equal what the client sent, character for character.
 *   - In: the SMSC sends receipts in its own formats and multi-part MO; the rows in PostgreSQL must say what it sent.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, tempDir, waitFor, writeConfig, type GatewayProcess } from '../support/gateway.js';
import { startTestNats, type TestNats } from '../support/nats.js';
import { createTestDatabase } from '../support/postgres.js';
import type { Capture, ForeignSmsc, ReceiptFormat } from './foreign-smsc.js';
import { firstDifference, judge } from './oracle-judge.js';
import { METHODS, packedCases, perPart, splitWhole, textCases, type Method } from './oracle/cases.js';
import { readPart } from './oracle/concat.js';
import { moCases, udhFor } from './oracle/mo-cases.js';
import { parseSubmitSmBody } from './oracle/submit-sm.js';

const API_KEY = 'interop-oracle-key-0123456789';
const HEADERS = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const SENDER = 'ACME';

/** Carrier i serves +447<i>…; its id and its bind's system_id are the concat method. */
const prefixOf = (m: Method) => `+447${METHODS.indexOf(m)}`;
/** One more carrier, udh8 with GSM septets packed (gsm7Packed), serves +4479…. */
const PACKED = { id: 'packed', prefix: '+4479' } as const;

export function defineOracleSuite(start: () => Promise<ForeignSmsc>): void {
  let smsc: ForeignSmsc;
  let nats: TestNats;
  let gw: GatewayProcess;
  let dir: ReturnType<typeof tempDir>;
  let db: { url: string; drop(): Promise<void> };
  let sql: postgres.Sql;
  let destinations = 0;

  beforeAll(async () => {
    smsc = await start();
    dir = tempDir('smsmesh-oracle-');
    nats = await startTestNats();
    db = await createTestDatabase();
    sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const configPath = writeConfig(dir.path, {
      apiKey: API_KEY,
      carriers: [
        ...METHODS.map((m) => ({
          id: m,
          prefixes: [prefixOf(m)],
          port: smsc.port,
          concat: m,
          window: 10,
          smpp: { host: '127.0.0.1', port: smsc.port, systemId: m, password: 'secret' },
        })),
        {
          id: PACKED.id,
          prefixes: [PACKED.prefix],
          port: smsc.port,
          concat: 'udh8',
          gsm7Packed: true,
          smpp: { host: '127.0.0.1', port: smsc.port, systemId: PACKED.id, password: 'secret' },
        },
      ],
    });
    gw = await spawnGateway({ entry: 'smsmesh', configPath, natsUrl: nats.url, databaseUrl: db.url, dataDir: dir.path, http: true, logDir: dir.path });
    await smsc.waitBound([...METHODS, PACKED.id], 30_000);
    await waitFor('readiness', async () => (await fetch(`${gw.baseUrl}/readyz`)).ok, 30_000);
  });

  afterAll(async () => {
    await sql?.end();
    await gw?.stop();
    await smsc?.close();
    await nats?.destroy();
    await db?.drop();
    dir?.remove();
  });

  async function send(method: Method | typeof PACKED.id, text: string): Promise<{ id: string; to: string; segments: number; encoding: string }> {
    const to = `${method === PACKED.id ? PACKED.prefix : prefixOf(method)}${String(++destinations).padStart(8, '0')}`;
    const r = await fetch(`${gw.baseUrl}/v1/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ to, from: SENDER, text }) });
    expect(r.status, await r.clone().text()).toBe(202);
    const body = (await r.json()) as { id: string; segments: number; encoding: string };
    return { ...body, to };
  }

  const capturesTo = (to: string) => smsc.captures.filter((c) => c.foreign.destinationAddr === to.slice(1));

  /** Waits for `count` submit_sm to `to`, then for the message to be recorded submitted; no more may follow. */
  async function captured(id: string, to: string, count: number): Promise<Capture[]> {
    await waitFor(`${count} submit_sm to ${to}`, async () => capturesTo(to).length >= count, 30_000, 20);
    await waitFor(`message ${id} recorded submitted`, async () => {
      const [row] = await sql<{ status: string }[]>`select status from messages where id = ${id}`;
      return row?.status === 'submitted';
    }, 30_000, 50);
    const caps = capturesTo(to);
    expect(caps).toHaveLength(count);
    return caps;
  }

  describe('what the connector sends, judged by the oracle', () => {
    for (const method of METHODS) {
      describe(`concat ${method}`, () => {
        for (const c of textCases(method)) {
          it(c.name, async () => {
            const m = await send(method, c.text);
            expect({ encoding: m.encoding, segments: m.segments }).toEqual({ encoding: c.dataCoding === 0 ? 'gsm7' : 'ucs2', segments: c.parts.length });
            const pdus = method === 'payload' ? 1 : c.parts.length;
            judge(await captured(m.id, m.to, pdus), c, method);
          });
        }
      });
    }

    describe('udh8 with packed GSM septets (gsm7Packed)', () => {
      for (const c of packedCases()) {
        it(c.name, async () => {
          const m = await send(PACKED.id, c.text);
          expect({ encoding: m.encoding, segments: m.segments }).toEqual({ encoding: 'gsm7', segments: c.parts.length });
          judge(await captured(m.id, m.to, c.parts.length), c, 'udh8', { packed: true });
        });
      }
    });

    it('the edge cases are aimed at the edges (the rule, written out, agrees with how they were built)', () => {
      for (const method of METHODS) {
        const cases = textCases(method);
        for (const c of cases) expect(splitWhole(c.text, c.dataCoding, perPart(method, c.dataCoding))).toEqual(c.parts);
        const limit = cases.filter((c) => c.name.includes('single-segment limit'));
        expect(limit.map((c) => c.parts.length)).toEqual([1, 2, 1, 2]);
      }
    });
  });

  describe('receipts in the SMSC’s own formats', () => {
    interface ReceiptCase {
      format: ReceiptFormat;
      stat: string;
      /** message_state for the same outcome (SMPP 3.4 §5.2.28). */
      state: number;
      err: number;
      status: string;
    }
    // README: DELIVRD → delivered, UNDELIV/DELETED → undeliverable, EXPIRED → expired, REJECTD → rejected.
    const cases: ReceiptCase[] = [
      { format: 'tlv', stat: 'DELIVRD', state: 2, err: 0, status: 'delivered' },
      { format: 'tlv', stat: 'UNDELIV', state: 5, err: 11, status: 'undeliverable' },
      { format: 'text', stat: 'DELIVRD', state: 2, err: 0, status: 'delivered' },
      { format: 'text', stat: 'EXPIRED', state: 3, err: 0, status: 'expired' },
      { format: 'both', stat: 'REJECTD', state: 8, err: 12, status: 'rejected' },
      { format: 'both', stat: 'DELIVRD', state: 2, err: 0, status: 'delivered' },
    ];

    /** What the row must say went wrong: the stat word, and the error code when the receipt carried one. */
    function expectedError(r: ReceiptCase): string | null {
      if (r.status === 'delivered') return null;
      const carriesErr = r.format !== 'tlv' || r.err > 0;
      return `stat:${r.stat}${carriesErr ? ` err:${String(r.err).padStart(3, '0')}` : ''}`;
    }

    /** Ids compare lower-cased and without leading zeros (README, receiptIdFormat). */
    const canonicalId = (id: string) => id.toLowerCase().replace(/^0+(?=.)/, '');

    async function receiptFor(cap: Capture, to: string, r: Omit<ReceiptCase, 'status'>): Promise<void> {
      const status = await smsc.sendReceipt({ systemId: cap.systemId, messageId: cap.messageId, format: r.format, stat: r.stat, state: r.state, err: r.err, from: to.slice(1), to: SENDER, text: 'receipt test' });
      expect(status).toBe(0);
    }

    async function finalRow(id: string) {
      return waitFor(`a final status for ${id}`, async () => {
        const [row] = await sql<{ status: string; last_stat: string | null; error: string | null; smsc_message_id: string | null; done_at: Date | null }[]>`
          select status, last_stat, error, smsc_message_id, done_at from messages where id = ${id}`;
        return row && row.status !== 'accepted' && row.status !== 'submitted' ? row : undefined;
      }, 30_000, 50);
    }

    for (const r of cases) {
      it(`${r.format}: ${r.stat} → ${r.status}`, async () => {
        const m = await send('udh8', `receipt ${r.format} ${r.stat}`);
        const [cap] = await captured(m.id, m.to, 1);
        await receiptFor(cap!, m.to, r);
        const row = await finalRow(m.id);
        expect(row).toMatchObject({ status: r.status, last_stat: r.stat, error: expectedError(r), smsc_message_id: canonicalId(cap!.messageId) });
        expect(row.done_at).not.toBeNull();
      });
    }

    it('a 3-part message is delivered once every part has its receipt', async () => {
      const text = 'Every part of this message gets a receipt of its own from the SMSC. '.repeat(6);
      const m = await send('udh16', text);
      expect(m.segments).toBe(3);
      const caps = await captured(m.id, m.to, 3);
      for (const [i, cap] of caps.entries()) {
        await receiptFor(cap, m.to, { format: (['text', 'tlv', 'both'] as const)[i]!, stat: 'DELIVRD', state: 2, err: 0 });
      }
      expect(await finalRow(m.id)).toMatchObject({ status: 'delivered', error: null });
      const parts = await sql<{ part: number; status: string; smsc_message_id: string }[]>`
        select part, status, smsc_message_id from message_parts where message_id = ${m.id} order by part`;
      const bySeq = new Map(caps.map((cap) => [readPart(parseSubmitSmBody(cap.body)).seq, canonicalId(cap.messageId)]));
      expect(parts).toEqual([1, 2, 3].map((part) => ({ part, status: 'delivered', smsc_message_id: bySeq.get(part) })));
    });

    it('a 2-part message with one undelivered part is undeliverable', async () => {
      const m = await send('sar', 'One part of this message reaches the handset and the other does not, so the message as a whole is not delivered. '.repeat(2));
      expect(m.segments).toBe(2);
      const caps = await captured(m.id, m.to, 2);
      const seqOf = (cap: Capture) => readPart(parseSubmitSmBody(cap.body)).seq;
      const [first, second] = [...caps].sort((a, b) => seqOf(a) - seqOf(b));
      await receiptFor(first!, m.to, { format: 'tlv', stat: 'DELIVRD', state: 2, err: 0 });
      await receiptFor(second!, m.to, { format: 'both', stat: 'UNDELIV', state: 5, err: 5 });
      expect(await finalRow(m.id)).toMatchObject({ status: 'undeliverable', error: 'stat:UNDELIV err:005' });
    });
  });

  describe('multi-part MO from the SMSC', () => {
    let senders = 0;

    async function stored(from: string) {
      return waitFor(`the MO from ${from} stored`, async () => {
        const rows = await sql<{ text: string; parts: number; to: string; carrier: string; data_coding: number }[]>`
          select text, parts, "to", carrier, data_coding from inbound_messages where "from" = ${from}`;
        return rows.length > 0 ? rows : undefined;
      }, 30_000, 50);
    }

    for (const c of moCases()) {
      it(c.name, async () => {
        const from = `4477009${String(++senders).padStart(5, '0')}`;
        const cap = perPart(c.concat, c.dataCoding);
        const texts = c.contents ? c.contents.map(() => '') : splitWhole(c.text, c.dataCoding, cap);
        const total = texts.length;
        expect(total).toBeGreaterThan(1);
        const ref = c.concat === 'udh8' ? 0xa5 : 0xbeef;
        for (const seq of c.order(total)) {
          const status = await smsc.sendMo({
            systemId: 'udh8',
            from,
            to: '12345',
            dataCoding: c.dataCoding,
            text: texts[seq - 1]!,
            ...(c.contents ? { content: c.contents[seq - 1]! } : {}),
            ...(c.concat === 'sar' ? { sar: { ref, total, seq } } : { udh: udhFor(c.concat, ref, total, seq) }),
          });
          expect(status).toBe(0);
        }
        const rows = await stored(`+${from}`);
        expect(rows).toHaveLength(1);
        expect(rows[0]!.text === c.text, firstDifference(rows[0]!.text, c.text)).toBe(true);
        expect(rows[0]).toMatchObject({ parts: total, to: '12345', carrier: 'udh8', data_coding: c.dataCoding });
      });
    }
  });
}
