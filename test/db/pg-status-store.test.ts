import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../internal/db/rows.js';
import { createPgStatusStore } from '../../internal/status/pg-status-store.js';
import type { ApplyResult, StatusStore } from '../../internal/status/status-store.js';
import type { AcceptedEvent, FailedEvent, ReceiptEvent, StatusEvent, SubmittedEvent } from '../../internal/sms/events.js';
import type { FinalStatus } from '../../internal/sms/status.js';
import { STATUS_RANK } from '../../internal/sms/status.js';
import { backends, type OpenedBackend } from './backends.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const CARRIER = 'acme';

function accepted(id: string, over: Partial<AcceptedEvent['message']> = {}): AcceptedEvent {
  return {
    kind: 'accepted',
    message: {
      id,
      clientId: 'client-a',
      clientRef: `ref-${id.slice(0, 8)}`,
      carrier: CARRIER,
      to: '+4915112345678',
      from: 'SMSMESH',
      encoding: 'gsm7',
      segments: 1,
      acceptedAt: T0,
      ...over,
    },
  };
}

function submitted(id: string, part = 1, parts = 1, at = T0 + 1_000, smsc = `${id}-${part}`): SubmittedEvent {
  return { kind: 'submitted', id, carrier: CARRIER, part, parts, smscMessageId: smsc, at };
}

function receipt(smsc: string, status: FinalStatus | null, stat: string, at = T0 + 5_000, err: string | null = null): ReceiptEvent {
  return { kind: 'receipt', carrier: CARRIER, smscMessageId: smsc, status, stat, err, doneAt: status ? at - 500 : null, at };
}

function failed(id: string, status: FailedEvent['status'] = 'failed', at = T0 + 2_000): FailedEvent {
  return { kind: 'failed', id, carrier: CARRIER, status, error: 'gave up', at };
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe.each(backends)('pg status store on $name', (backend) => {
  let opened: OpenedBackend;
  let store: StatusStore;

  beforeAll(async () => {
    opened = await backend.open();
    store = createPgStatusStore(opened.database);
  });

  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  /** Every stored column of a message and its parts, to compare states byte for byte. */
  async function snapshot(ids: readonly string[]): Promise<unknown> {
    const list = JSON.stringify(ids);
    const db = opened.database.db;
    const msgs = await queryRows(db, sql`select * from messages where id in (select jsonb_array_elements_text(${list}::jsonb)) order by id`);
    const parts = await queryRows(
      db,
      sql`select * from message_parts where message_id in (select jsonb_array_elements_text(${list}::jsonb)) order by message_id, part`,
    );
    return JSON.parse(JSON.stringify({ msgs, parts }));
  }

  /** A message's one row (every column but updated_at, its id masked) and its parts: two messages' compare equal. */
  async function comparableRow(id: string): Promise<{ msg: unknown; parts: unknown[] }> {
    const snap = (await snapshot([id])) as { msgs: Record<string, unknown>[]; parts: unknown[] };
    expect(snap.msgs).toHaveLength(1);
    const { updated_at: _u, ...rest } = snap.msgs[0]!;
    return { msg: JSON.parse(JSON.stringify(rest).replaceAll(id, 'ID')) as unknown, parts: snap.parts };
  }

  /** Applies each event in a batch of its own, as a writer taking one event at a time would; every receipt matches. */
  async function applyOneByOne(events: readonly StatusEvent[]): Promise<Record<string, number>> {
    const finals: Record<string, number> = {};
    for (const ev of events) {
      const res = await store.apply([ev]);
      expect(res.unmatchedReceipts).toEqual([]);
      for (const [k, n] of Object.entries(res.finals)) finals[k] = (finals[k] ?? 0) + (n ?? 0);
    }
    return finals;
  }

  async function rank(id: string): Promise<number | undefined> {
    const rows = await queryRows<{ status_rank: number }>(opened.database.db, sql`select status_rank from messages where id = ${id}`);
    return rows[0]?.status_rank;
  }

  it('replaying a whole batch changes nothing and reports no finals', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const batch: StatusEvent[] = [
      accepted(a),
      submitted(a),
      receipt(`${a}-1`, null, 'ENROUTE', T0 + 3_000),
      receipt(`${a}-1`, 'delivered', 'DELIVRD'),
      accepted(b, { segments: 2 }),
      submitted(b, 1, 2),
      submitted(b, 2, 2),
      receipt(`${b}-2`, 'undeliverable', 'UNDELIV', T0 + 5_000, '001'),
      accepted(c),
      failed(c, 'rejected'),
    ];
    const first = await store.apply(batch);
    expect(first).toEqual({ unmatchedReceipts: [], finals: { delivered: 1, undeliverable: 1, rejected: 1 } });
    const before = await snapshot([a, b, c]);

    const again = await store.apply(batch);
    expect(again).toEqual({ unmatchedReceipts: [], finals: {} });
    expect(await snapshot([a, b, c])).toEqual(before);
  });

  it.each(permutations(['accepted', 'submitted', 'receipt'] as const).map((p) => [p.join(' → '), p] as const))(
    'ends delivered whatever the order, one event per batch: %s',
    async (_name, order) => {
      const id = randomUUID();
      const byKind = { accepted: accepted(id), submitted: submitted(id), receipt: receipt(`${id}-1`, 'delivered', 'DELIVRD') };
      // Like the DLR writer: an unmatched receipt is held and offered again with later batches.
      let pending: ReceiptEvent[] = [];
      let finals = 0;
      for (const kind of order) {
        const batch: StatusEvent[] = [...pending, byKind[kind]];
        const res = await store.apply(batch);
        finals += res.finals.delivered ?? 0;
        pending = res.unmatchedReceipts.map((i) => batch[i] as ReceiptEvent);
      }
      if (pending.length > 0) finals += (await store.apply(pending)).finals.delivered ?? 0;

      expect(finals).toBe(1);
      const view = await store.getMessage(id, 'client-a');
      expect(view).toEqual({
        id,
        status: 'delivered',
        carrier: CARRIER,
        to: '+4915112345678',
        from: 'SMSMESH',
        segments: 1,
        encoding: 'gsm7',
        clientRef: `ref-${id.slice(0, 8)}`,
        smscMessageId: `${id}-1`,
        acceptedAt: new Date(T0).toISOString(),
        sendAt: null,
        validUntil: null,
        submittedAt: new Date(T0 + 1_000).toISOString(),
        doneAt: new Date(T0 + 4_500).toISOString(),
        error: null,
      });
      expect(await rank(id)).toBe(STATUS_RANK.delivered);
    },
  );

  it.each(permutations(['accepted', 'submitted', 'receipt'] as const).map((p) => [p.join(' → '), p] as const))(
    'ends delivered whatever the order within one batch: %s',
    async (_name, order) => {
      const id = randomUUID();
      const byKind = { accepted: accepted(id), submitted: submitted(id), receipt: receipt(`${id}-1`, 'delivered', 'DELIVRD') };
      const res = await store.apply(order.map((k) => byKind[k]));
      expect(res).toEqual({ unmatchedReceipts: [], finals: { delivered: 1 } });
      expect((await store.getMessage(id, 'client-a'))?.status).toBe('delivered');
    },
  );

  it.each([
    ['a final receipt', (smsc: string) => [receipt(smsc, 'undeliverable', 'UNDELIV', T0 + 5_000, '001')]],
    ['a delivered receipt', (smsc: string) => [receipt(smsc, 'delivered', 'DELIVRD')]],
    ['an intermediate receipt', (smsc: string) => [receipt(smsc, null, 'ENROUTE', T0 + 3_000)]],
    ['no receipt', () => []],
  ] as const)('stores a one-part message whose whole life is in one batch (%s) as its events one batch each would', async (_name, receipts) => {
    // One batch takes the folded path (one row insert); one event per batch takes insert, update, update.
    const life = (id: string): StatusEvent[] => [
      accepted(id, { clientRef: 'same-ref', validUntil: T0 + 86_400_000, callbackUrl: 'https://hooks.example/sms' }),
      submitted(id),
      ...receipts(`${id}-1`),
    ];
    const [folded, stepwise] = [randomUUID(), randomUUID()];
    const inOne = await store.apply(life(folded));
    const finals = await applyOneByOne(life(stepwise));
    expect(inOne.unmatchedReceipts).toEqual([]);
    expect(inOne.finals).toEqual(finals);
    expect(await comparableRow(folded)).toEqual(await comparableRow(stepwise));
  });

  it.each([
    ['a final receipt', (smsc: string) => [receipt(smsc, 'undeliverable', 'UNDELIV', T0 + 5_000, '001')]],
    ['a delivered receipt', (smsc: string) => [receipt(smsc, 'delivered', 'DELIVRD')]],
    ['an intermediate receipt', (smsc: string) => [receipt(smsc, null, 'ENROUTE', T0 + 3_000)]],
    ['no receipt', () => []],
  ] as const)(
    'stores a one-part message whose accepted record came in an earlier batch and whose submit and receipt come together (%s) as one batch each would',
    async (_name, receipts) => {
      // A backlog drain: the accepted record was stored at accept time; the first submit carries the message's facts.
      const acc = (id: string) => accepted(id, { clientRef: 'same-ref', validUntil: T0 + 86_400_000 });
      const rest = (id: string): StatusEvent[] => [{ ...submitted(id), message: acc(id).message }, ...receipts(`${id}-1`)];
      const [together, stepwise] = [randomUUID(), randomUUID()];
      await store.apply([acc(together)]);
      const inOne = await store.apply(rest(together));
      await store.apply([acc(stepwise)]);
      const finals = await applyOneByOne(rest(stepwise));
      expect(inOne.unmatchedReceipts).toEqual([]);
      expect(inOne.finals).toEqual(finals);
      expect(await comparableRow(together)).toEqual(await comparableRow(stepwise));
      // Replaying the same batch changes nothing and counts nothing.
      const before = await comparableRow(together);
      expect((await store.apply(rest(together))).finals).toEqual({});
      expect(await comparableRow(together)).toEqual(before);
    },
  );

  /** Message row and part rows of a message, with its id masked (part SMSC ids carry it): two messages' compare equal. */
  async function comparableLife(id: string): Promise<unknown> {
    const { msg, parts } = await comparableRow(id);
    return JSON.parse(JSON.stringify({ msg, parts }).replaceAll(id, 'ID')) as unknown;
  }

  const threeParts = (id: string): StatusEvent[] => [
    accepted(id, { segments: 3, clientRef: 'same-ref', callbackUrl: 'https://hooks.example/sms' }),
    submitted(id, 1, 3, T0 + 1_000),
    submitted(id, 2, 3, T0 + 1_200),
    submitted(id, 3, 3, T0 + 900),
  ];

  /** The receipt mixes a three-part message is tried with: its parts' receipts, by message id. */
  const threePartReceipts = [
    ['every part delivered', (id: string) => [receipt(`${id}-2`, 'delivered', 'DELIVRD', T0 + 6_000), receipt(`${id}-1`, 'delivered', 'DELIVRD'), receipt(`${id}-3`, 'delivered', 'DELIVRD', T0 + 5_500)]],
    ['one part undeliverable, the others delivered', (id: string) => [receipt(`${id}-1`, 'delivered', 'DELIVRD'), receipt(`${id}-2`, 'undeliverable', 'UNDELIV', T0 + 6_000, '0x0b'), receipt(`${id}-3`, 'delivered', 'DELIVRD')]],
    ['two parts delivered, one intermediate', (id: string) => [receipt(`${id}-1`, 'delivered', 'DELIVRD'), receipt(`${id}-2`, null, 'ENROUTE', T0 + 3_000), receipt(`${id}-3`, 'delivered', 'DELIVRD')]],
    ['one receipt', (id: string) => [receipt(`${id}-3`, 'delivered', 'DELIVRD')]],
    ['no receipt', () => []],
  ] as const;

  it.each(threePartReceipts)('stores a multi-part message whose whole life is in one batch (%s) as its events one batch each would', async (_name, receipts) => {
    // One batch takes the folded path (a message row and three part rows); one event per batch takes the statements.
    const life = (id: string): StatusEvent[] => [...threeParts(id), ...receipts(id)];
    const [folded, stepwise] = [randomUUID(), randomUUID()];
    const inOne = await store.apply(life(folded));
    const finals = await applyOneByOne(life(stepwise));
    expect(inOne.unmatchedReceipts).toEqual([]);
    expect(inOne.finals).toEqual(finals);
    expect(await comparableLife(folded)).toEqual(await comparableLife(stepwise));
    // Replaying the batch changes nothing and counts nothing.
    const before = await snapshot([folded]);
    expect(await store.apply(life(folded))).toEqual({ unmatchedReceipts: [], finals: {} });
    expect(await snapshot([folded])).toEqual(before);
  });

  /**
   * Runs `apply` with triggers counting the row updates of one message's rows in `messages` and `message_parts`: how
   * a batch was written, which the rows alone do not tell (a fold and the statements leave the same state).
   */
  async function withRowUpdatesCounted<T>(id: string, apply: () => Promise<T>): Promise<T & { updates: Record<string, number> }> {
    const db = opened.database.db;
    await db.execute(sql`create table if not exists test_row_updates (tbl text not null, id text not null)`);
    for (const [fn, key] of [['test_count_message_update', 'id'], ['test_count_part_update', 'message_id']] as const) {
      await db.execute(sql.raw(`create or replace function ${fn}() returns trigger language plpgsql as $$
        begin insert into test_row_updates values (tg_table_name, new.${key}); return new; end $$`));
    }
    await db.execute(sql`create trigger test_count_messages after update on messages for each row execute function test_count_message_update()`);
    await db.execute(sql`create trigger test_count_parts after update on message_parts for each row execute function test_count_part_update()`);
    try {
      const res = await apply();
      const rows = await queryRows<{ tbl: string; n: number }>(db, sql`select tbl, count(*)::int as n from test_row_updates where id = ${id} group by tbl`);
      const updates: Record<string, number> = { messages: 0, message_parts: 0 };
      for (const r of rows) updates[r.tbl] = r.n;
      return { ...res, updates };
    } finally {
      await db.execute(sql`drop trigger test_count_messages on messages`);
      await db.execute(sql`drop trigger test_count_parts on message_parts`);
    }
  }

  it.each(threePartReceipts)(
    'stores a multi-part message whose accepted record came in an earlier batch and whose submits and receipts come together (%s) as one batch each would',
    async (_name, receipts) => {
      // A backlog drain: the accepted record was stored at accept time; part 1's submit carries the message's facts.
      const rest = (id: string): StatusEvent[] => {
        const [acc, first, ...others] = threeParts(id);
        return [{ ...(first as SubmittedEvent), message: (acc as AcceptedEvent).message }, ...others, ...receipts(id)];
      };
      const [together, stepwise] = [randomUUID(), randomUUID()];
      await store.apply([threeParts(together)[0]!]);
      const inOne = await withRowUpdatesCounted(together, () => store.apply(rest(together)));
      await store.apply([threeParts(stepwise)[0]!]);
      const finals = await applyOneByOne(rest(stepwise));
      expect(inOne.unmatchedReceipts).toEqual([]);
      expect(inOne.finals).toEqual(finals);
      expect(await comparableLife(together)).toEqual(await comparableLife(stepwise));
      // Folded: the message row updated once, its parts inserted in their final state and never updated.
      expect(inOne.updates).toEqual({ messages: 1, message_parts: 0 });
      // Replaying the same batch changes nothing and counts nothing.
      const before = await snapshot([together]);
      expect(await store.apply(rest(together))).toEqual({ unmatchedReceipts: [], finals: {} });
      expect(await snapshot([together])).toEqual(before);
    },
  );

  it('applies a multi-part message whose row exists one event at a time when most of its batch is new (a writer that keeps up)', async () => {
    // Nine of ten multi-part folds are new rows: the one whose accepted record came earlier is not worth a statement
    // of its own, and its events take the statements, ending as they would one batch each.
    const newOnes = Array.from({ length: 9 }, () => randomUUID());
    const [late, stepwise] = [randomUUID(), randomUUID()];
    const rest = (id: string): StatusEvent[] => {
      const [acc, first, ...others] = threeParts(id);
      return [{ ...(first as SubmittedEvent), message: (acc as AcceptedEvent).message }, ...others, receipt(`${id}-1`, 'delivered', 'DELIVRD'), receipt(`${id}-2`, 'delivered', 'DELIVRD')];
    };
    await store.apply([threeParts(late)[0]!]);
    const res = await withRowUpdatesCounted(late, () => store.apply([...newOnes.flatMap((id) => threeParts(id)), ...rest(late)]));
    await store.apply([threeParts(stepwise)[0]!]);
    await applyOneByOne(rest(stepwise));
    expect(res.unmatchedReceipts).toEqual([]);
    expect(await comparableLife(late)).toEqual(await comparableLife(stepwise));
    // Its row was written by the submit statement and its parts by the receipt statement, not by the fold's update.
    expect(res.updates.message_parts).toBe(2);
    for (const id of newOnes) expect((await store.getMessage(id, 'client-a'))?.status).toBe('submitted');
  });

  /**
   * What the statements make of a two-part message whose part 1 reuses the SMSC id of `old`'s part 1: that part is
   * skipped, its receipt goes to the older part, and the message stays submitted.
   */
  async function expectReusedIdLeftToStatements(res: ApplyResult, old: string, reusing: string): Promise<void> {
    expect(res.unmatchedReceipts).toEqual([]);
    const parts = await queryRows<{ message_id: string; part: number; status: string | null }>(
      opened.database.db,
      sql`select message_id, part, status from message_parts where message_id in (${old}, ${reusing}) order by message_id = ${old} desc, part`,
    );
    expect(parts).toEqual([
      { message_id: old, part: 1, status: 'delivered' },
      { message_id: old, part: 2, status: null },
      { message_id: reusing, part: 2, status: 'delivered' },
    ]);
    expect((await store.getMessage(reusing, 'client-a'))?.status).toBe('submitted');
  }

  it("leaves a drained multi-part message to the statements when a part's SMSC id is held by an earlier message's part", async () => {
    // As the insert's fold does: the new part is skipped and its receipt goes to the older part.
    const [old, reusing] = [randomUUID(), randomUUID()];
    const reused = `reused-${old}`;
    await store.apply([accepted(old, { segments: 2 }), submitted(old, 1, 2, T0 + 500, reused), submitted(old, 2, 2, T0 + 500, `${old}-2`)]);
    const acc = accepted(reusing, { segments: 2 });
    await store.apply([acc]);
    const res = await store.apply([
      { ...submitted(reusing, 1, 2, T0 + 1_000, reused), message: acc.message },
      submitted(reusing, 2, 2),
      receipt(reused, 'delivered', 'DELIVRD'),
      receipt(`${reusing}-2`, 'delivered', 'DELIVRD'),
    ]);
    await expectReusedIdLeftToStatements(res, old, reusing);
  });

  it('settles a folded multi-part message as the statements settle the same batch: the first failed part by done time, then part', async () => {
    // Two parts fail; applied one per batch, whichever came first would win, so the reference is the same events
    // in one batch on the event-by-event path (the accepted record stored by an earlier batch: no fold).
    const rest = (id: string): StatusEvent[] => [
      ...threeParts(id).slice(1),
      receipt(`${id}-3`, 'expired', 'EXPIRED', T0 + 9_000),
      receipt(`${id}-1`, 'undeliverable', 'UNDELIV', T0 + 4_000, '1'),
      receipt(`${id}-2`, 'rejected', 'REJECTD', T0 + 4_000, '0x45'),
    ];
    const [folded, reference] = [randomUUID(), randomUUID()];
    const inOne = await store.apply([threeParts(folded)[0]!, ...rest(folded)]);
    await store.apply([threeParts(reference)[0]!]);
    const ref = await store.apply(rest(reference));
    expect(inOne).toEqual({ unmatchedReceipts: [], finals: { undeliverable: 1 } });
    expect(ref).toEqual(inOne);
    expect(await comparableLife(folded)).toEqual(await comparableLife(reference));
    expect(await store.getMessage(folded, 'client-a')).toMatchObject({ status: 'undeliverable', error: 'stat:UNDELIV err:1', doneAt: new Date(T0 + 3_500).toISOString(), smscMessageId: `${folded}-1` });
  });

  it('leaves a multi-part message to the statements when a part\'s SMSC id is held by an earlier message\'s part', async () => {
    // An SMSC that reuses ids: the statements skip the new part and give its receipt to the older part.
    const [old, reusing] = [randomUUID(), randomUUID()];
    await store.apply([accepted(old, { segments: 2 }), submitted(old, 1, 2, T0 + 500, 'reused'), submitted(old, 2, 2, T0 + 500, `${old}-2`)]);
    const res = await store.apply([
      accepted(reusing, { segments: 2 }),
      submitted(reusing, 1, 2, T0 + 1_000, 'reused'),
      submitted(reusing, 2, 2),
      receipt('reused', 'delivered', 'DELIVRD'),
      receipt(`${reusing}-2`, 'delivered', 'DELIVRD'),
    ]);
    await expectReusedIdLeftToStatements(res, old, reusing);
  });

  it('leaves a submitted message to the event-by-event path when a later submit and its receipt come together', async () => {
    // The row is past accepted (an earlier submit); the fold must not take it, and the first smsc id stays.
    const id = randomUUID();
    await store.apply([accepted(id)]);
    await store.apply([submitted(id, 1, 1, T0 + 1_000, 'first')]);
    const res = await store.apply([{ ...submitted(id, 1, 1, T0 + 2_000, 'second'), message: accepted(id).message }, receipt('second', 'delivered', 'DELIVRD')]);
    // The receipt for the second id matches no one-part row (the row keeps the first id): unmatched, as before.
    expect(res.unmatchedReceipts).toEqual([1]);
    const m = await store.getMessage(id, 'client-a');
    expect(m).toMatchObject({ status: 'submitted', smscMessageId: 'first', submittedAt: new Date(T0 + 1_000).toISOString() });
  });

  it('never regresses a delivered message', async () => {
    const id = randomUUID();
    await store.apply([accepted(id), submitted(id), receipt(`${id}-1`, 'delivered', 'DELIVRD')]);
    const before = await store.getMessage(id, 'client-a');
    expect(before?.status).toBe('delivered');

    for (const later of [
      [receipt(`${id}-1`, 'undeliverable', 'UNDELIV', T0 + 9_000, '069')],
      [receipt(`${id}-1`, null, 'ENROUTE', T0 + 9_500)],
      [failed(id, 'expired', T0 + 10_000)],
      [accepted(id, { clientRef: 'changed', to: '+10000000000' })],
      [submitted(id, 1, 1, T0 + 11_000, 'other-smsc')],
    ] satisfies StatusEvent[][]) {
      expect(await store.apply(later)).toEqual({ unmatchedReceipts: [], finals: {} });
    }
    expect(await store.getMessage(id, 'client-a')).toEqual(before);
    expect(await rank(id)).toBe(STATUS_RANK.delivered);
  });

  it('lets accepted arriving after a final state fill the message without touching its status', async () => {
    const id = randomUUID();
    expect((await store.apply([failed(id, 'rejected')])).finals).toEqual({ rejected: 1 });
    await store.apply([accepted(id)]);
    const view = await store.getMessage(id, 'client-a');
    expect(view).toMatchObject({ status: 'rejected', error: 'gave up', to: '+4915112345678', acceptedAt: new Date(T0).toISOString() });
  });

  it("fills a message whose accepted record never arrived from its first submitted event's facts", async () => {
    const id = randomUUID();
    const facts = accepted(id, { clientRef: 'repaired', to: '+4915199999999' }).message;
    // Part 2 first, without facts: the row exists but belongs to no client yet.
    await store.apply([submitted(id, 2, 2)]);
    expect(await store.getMessage(id, 'client-a')).toBeNull();
    await store.apply([{ ...submitted(id, 1, 2), message: facts }]);
    expect(await store.getMessage(id, 'client-a')).toMatchObject({
      id,
      status: 'submitted',
      to: '+4915199999999',
      from: 'SMSMESH',
      clientRef: 'repaired',
      segments: 1,
      acceptedAt: new Date(T0).toISOString(),
    });
    // The accepted record arriving late changes nothing the facts wrote.
    const before = await snapshot([id]);
    await store.apply([accepted(id, { clientRef: 'repaired', to: '+4915199999999' })]);
    expect(await snapshot([id])).toEqual(before);
  });

  it("never lets an event's facts overwrite the accepted record", async () => {
    const id = randomUUID();
    await store.apply([accepted(id)]);
    const other = accepted(id, { clientId: 'client-b', to: '+4915100000000', clientRef: 'other' }).message;
    await store.apply([{ ...submitted(id), message: other }]);
    expect(await store.getMessage(id, 'client-b')).toBeNull();
    expect(await store.getMessage(id, 'client-a')).toMatchObject({ status: 'submitted', to: '+4915112345678', clientRef: `ref-${id.slice(0, 8)}` });
    // In one batch with its accepted record, the record wins too.
    const id2 = randomUUID();
    await store.apply([accepted(id2), { ...submitted(id2), message: accepted(id2, { clientId: 'client-b' }).message }]);
    expect(await store.getMessage(id2, 'client-a')).toMatchObject({ status: 'submitted' });
  });

  it("gives a failed message whose accepted record never arrived its client from the event's facts", async () => {
    const id = randomUUID();
    expect((await store.apply([{ ...failed(id, 'rejected'), message: accepted(id).message }])).finals).toEqual({ rejected: 1 });
    expect(await store.getMessage(id, 'client-a')).toMatchObject({ status: 'rejected', error: 'gave up', to: '+4915112345678' });
  });

  it('delivers a multi-part message only when every part is delivered', async () => {
    const id = randomUUID();
    await store.apply([accepted(id, { segments: 3 }), submitted(id, 1, 3), submitted(id, 2, 3), submitted(id, 3, 3)]);

    let res = await store.apply([receipt(`${id}-1`, 'delivered', 'DELIVRD'), receipt(`${id}-3`, 'delivered', 'DELIVRD')]);
    expect(res.finals).toEqual({});
    expect((await store.getMessage(id, 'client-a'))?.status).toBe('submitted');

    // An intermediate receipt is recorded on its part only.
    res = await store.apply([receipt(`${id}-2`, null, 'ACCEPTD', T0 + 6_000)]);
    expect(res.finals).toEqual({});
    const parts = await queryRows<{ part: number; status: string | null; last_stat: string | null }>(
      opened.database.db,
      sql`select part, status, last_stat from message_parts where message_id = ${id} order by part`,
    );
    expect(parts).toEqual([
      { part: 1, status: 'delivered', last_stat: 'DELIVRD' },
      { part: 2, status: null, last_stat: 'ACCEPTD' },
      { part: 3, status: 'delivered', last_stat: 'DELIVRD' },
    ]);
    // An older intermediate receipt replayed later does not overwrite the newer one.
    await store.apply([receipt(`${id}-2`, null, 'ENROUTE', T0 + 5_500)]);
    const p2 = await queryRows<{ last_stat: string }>(
      opened.database.db,
      sql`select last_stat from message_parts where message_id = ${id} and part = 2`,
    );
    expect(p2[0]?.last_stat).toBe('ACCEPTD');

    res = await store.apply([receipt(`${id}-2`, 'delivered', 'DELIVRD', T0 + 8_000)]);
    expect(res.finals).toEqual({ delivered: 1 });
    const view = await store.getMessage(id, 'client-a');
    expect(view).toMatchObject({ status: 'delivered', smscMessageId: `${id}-1`, doneAt: new Date(T0 + 7_500).toISOString(), error: null });
  });

  it('keeps a one-part message\'s receipt state on its row, with no part row', async () => {
    const id = randomUUID();
    await store.apply([accepted(id), submitted(id)]);
    await store.apply([receipt(`${id}-1`, null, 'ACCEPTD', T0 + 6_000)]);
    // An older intermediate receipt replayed later does not overwrite the newer one.
    await store.apply([receipt(`${id}-1`, null, 'ENROUTE', T0 + 5_500)]);
    const row = async () =>
      (
        await queryRows<{ status: string; parts: number; last_stat: string; error: string | null; n_parts: number }>(
          opened.database.db,
          sql`select status, parts, last_stat, error, (select count(*)::int from message_parts where message_id = ${id}) as n_parts
              from messages where id = ${id}`,
        )
      )[0];
    expect(await row()).toEqual({ status: 'submitted', parts: 1, last_stat: 'ACCEPTD', error: null, n_parts: 0 });

    const res = await store.apply([receipt(`${id}-1`, 'undeliverable', 'UNDELIV', T0 + 8_000, '0x0b')]);
    expect(res).toEqual({ unmatchedReceipts: [], finals: { undeliverable: 1 } });
    expect(await row()).toEqual({ status: 'undeliverable', parts: 1, last_stat: 'UNDELIV', error: 'stat:UNDELIV err:0x0b', n_parts: 0 });
    expect(await store.getMessage(id, 'client-a')).toMatchObject({ doneAt: new Date(T0 + 7_500).toISOString(), smscMessageId: `${id}-1` });
  });

  it('settles one-part messages stored with a part row before the one-part layout', async () => {
    // Rows as the status writer wrote them before migration 0002: parts unset on the message, one part row.
    const id = randomUUID();
    const db = opened.database.db;
    await db.execute(sql`insert into messages (id, client_id, carrier, status, status_rank, smsc_message_id, submitted_at)
      values (${id}, 'client-a', ${CARRIER}, 'submitted', ${STATUS_RANK.submitted}, ${`${id}-1`}, timestamptz '2000-01-01Z')`);
    await db.execute(sql`insert into message_parts (message_id, part, parts, carrier, smsc_message_id, submitted_at)
      values (${id}, 1, 1, ${CARRIER}, ${`${id}-1`}, timestamptz '2000-01-01Z')`);
    // A replayed submitted event leaves them as they are: the receipt finds the part row.
    await store.apply([submitted(id)]);
    const marked = await queryRows<{ parts: number | null }>(db, sql`select parts from messages where id = ${id}`);
    expect(marked).toEqual([{ parts: null }]);
    expect(await store.apply([receipt(`${id}-1`, 'delivered', 'DELIVRD')])).toEqual({ unmatchedReceipts: [], finals: { delivered: 1 } });
    const parts = await queryRows<{ status: string }>(db, sql`select status from message_parts where message_id = ${id}`);
    expect(parts).toEqual([{ status: 'delivered' }]);
    expect((await store.getMessage(id, 'client-a'))?.status).toBe('delivered');
  });

  it('takes the first failed part of a multi-part message, by done time then part', async () => {
    const id = randomUUID();
    await store.apply([accepted(id, { segments: 3 }), submitted(id, 1, 3), submitted(id, 2, 3), submitted(id, 3, 3)]);
    const res = await store.apply([
      receipt(`${id}-1`, 'delivered', 'DELIVRD', T0 + 4_000),
      receipt(`${id}-3`, 'undeliverable', 'UNDELIV', T0 + 7_000, '001'),
      receipt(`${id}-2`, 'rejected', 'REJECTD', T0 + 6_000, '0x45'),
    ]);
    expect(res.finals).toEqual({ rejected: 1 });
    expect(await store.getMessage(id, 'client-a')).toMatchObject({
      status: 'rejected',
      error: 'stat:REJECTD err:0x45',
      doneAt: new Date(T0 + 5_500).toISOString(),
    });

    // A part failing earlier but reported later does not displace the first recorded final state.
    const other = randomUUID();
    await store.apply([submitted(other, 1, 2), submitted(other, 2, 2)]);
    expect((await store.apply([receipt(`${other}-2`, 'expired', 'EXPIRED', T0 + 9_000)])).finals).toEqual({ expired: 1 });
    expect((await store.apply([receipt(`${other}-1`, 'undeliverable', 'UNDELIV', T0 + 3_000, '1')])).finals).toEqual({});
    const view = await queryRows<{ status: string; error: string }>(opened.database.db, sql`select status, error from messages where id = ${other}`);
    expect(view[0]).toEqual({ status: 'expired', error: 'stat:EXPIRED' });
  });

  it('reports a receipt that precedes its submitted event, and matches it once the part exists', async () => {
    const id = randomUUID();
    const known = randomUUID();
    await store.apply([accepted(known), submitted(known)]);
    const batch: StatusEvent[] = [
      accepted(id),
      receipt(`${known}-1`, 'delivered', 'DELIVRD'),
      receipt(`${id}-1`, 'delivered', 'DELIVRD'),
      receipt('never-submitted', null, 'ENROUTE'),
    ];
    const res = await store.apply(batch);
    expect(res).toEqual({ unmatchedReceipts: [2, 3], finals: { delivered: 1 } });
    expect((await store.getMessage(id, 'client-a'))?.status).toBe('accepted');

    await store.apply([submitted(id)]);
    const retry = await store.apply([batch[2]!]);
    expect(retry).toEqual({ unmatchedReceipts: [], finals: { delivered: 1 } });
    expect((await store.getMessage(id, 'client-a'))?.status).toBe('delivered');
  });

  it('counts finals per state and none on replay', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const [d1, d2, u, f, e] = ids as [string, string, string, string, string];
    const batch: StatusEvent[] = [
      ...ids.flatMap((id) => [accepted(id), submitted(id)]),
      receipt(`${d1}-1`, 'delivered', 'DELIVRD'),
      receipt(`${d2}-1`, 'delivered', 'DELIVRD'),
      receipt(`${u}-1`, 'undeliverable', 'UNDELIV', T0 + 5_000, '013'),
      failed(f, 'failed'),
      failed(e, 'expired'),
      // Reaches its final state through the receipt; the failed event after it must not count it twice.
      failed(d1, 'failed'),
    ];
    expect((await store.apply(batch)).finals).toEqual({ delivered: 2, undeliverable: 1, failed: 1, expired: 1 });
    expect((await store.apply(batch)).finals).toEqual({});
    expect(await store.getMessage(u, 'client-a')).toMatchObject({ status: 'undeliverable', error: 'stat:UNDELIV err:013' });
    expect((await store.getMessage(d1, 'client-a'))?.status).toBe('delivered');
  });

  it('accepts duplicates inside one batch and keeps the first of each', async () => {
    const id = randomUUID();
    const res = await store.apply([
      accepted(id, { acceptedAt: T0 + 10 }),
      accepted(id, { acceptedAt: T0, clientRef: 'first' }),
      submitted(id, 1, 1, T0 + 2_000, 'late-smsc'),
      submitted(id, 1, 1, T0 + 1_000, `${id}-1`),
      submitted(id, 1, 1, T0 + 1_000, `${id}-1`),
      receipt(`${id}-1`, null, 'ENROUTE', T0 + 3_000),
      receipt(`${id}-1`, 'undeliverable', 'UNDELIV', T0 + 6_000, '002'),
      receipt(`${id}-1`, 'delivered', 'DELIVRD', T0 + 5_000),
      receipt(`${id}-1`, 'delivered', 'DELIVRD', T0 + 5_000),
      failed(id, 'failed', T0 + 7_000),
      failed(id, 'expired', T0 + 8_000),
    ]);
    // 'late-smsc' names no stored part: the first submitted (by time) was kept.
    expect(res).toEqual({ unmatchedReceipts: [], finals: { delivered: 1 } });
    expect(await store.getMessage(id, 'client-a')).toMatchObject({
      status: 'delivered',
      clientRef: 'first',
      smscMessageId: `${id}-1`,
      acceptedAt: new Date(T0).toISOString(),
      submittedAt: new Date(T0 + 1_000).toISOString(),
    });

    const failedOnly = randomUUID();
    expect((await store.apply([failed(failedOnly, 'expired', T0 + 9_000), failed(failedOnly, 'failed', T0 + 8_000)])).finals).toEqual({
      failed: 1,
    });
  });

  it("hides another client's message and an absent one", async () => {
    const id = randomUUID();
    await store.apply([accepted(id, { clientId: 'client-b' })]);
    expect(await store.getMessage(id, 'client-a')).toBeNull();
    expect(await store.getMessage(randomUUID(), 'client-a')).toBeNull();
    expect(await store.getMessage(id, 'client-b')).toMatchObject({ id, status: 'accepted', submittedAt: null, doneAt: null });
  });

  it('records orphan receipts once', async () => {
    const smsc = `orphan-${randomUUID()}`;
    const orphans = [receipt(smsc, null, 'ENROUTE', T0 + 1_000), receipt(smsc, 'delivered', 'DELIVRD', T0 + 2_000, '000')];
    await store.recordOrphanReceipts(orphans);
    await store.recordOrphanReceipts([...orphans, orphans[1]!]);
    const rows = await queryRows<{ stat: string; err: string | null; has_done: boolean }>(
      opened.database.db,
      sql`select stat, err, done_at is not null as has_done from orphan_receipts where smsc_message_id = ${smsc} order by stat`,
    );
    expect(rows).toEqual([
      { stat: 'DELIVRD', err: '000', has_done: true },
      { stat: 'ENROUTE', err: null, has_done: false },
    ]);
  });

  it('applies 20,000 events in batches of 1,000', async () => {
    const n = 5_000;
    const ids = Array.from({ length: n }, () => randomUUID());
    // Each message: accepted, submitted, an intermediate and a final receipt; the stream interleaves messages so a
    // message's events usually straddle batches, as on the bus.
    const lanes: StatusEvent[][] = ids.map((id, k) => [
      accepted(id, { acceptedAt: T0 + k }),
      submitted(id, 1, 1, T0 + k + 1_000),
      receipt(`${id}-1`, null, 'ENROUTE', T0 + k + 2_000),
      k % 10 === 0 ? receipt(`${id}-1`, 'undeliverable', 'UNDELIV', T0 + k + 3_000, '001') : receipt(`${id}-1`, 'delivered', 'DELIVRD', T0 + k + 3_000),
    ]);
    const stream: StatusEvent[] = [];
    const stride = 625;
    for (let base = 0; base < n; base += stride) {
      for (let step = 0; step < 4; step++) {
        for (let k = base; k < base + stride; k++) stream.push(lanes[k]![step]!);
      }
    }
    expect(stream).toHaveLength(20_000);

    const finals: Record<string, number> = {};
    let pending: StatusEvent[] = [];
    const started = performance.now();
    for (let off = 0; off < stream.length; off += 1_000) {
      const batch = [...pending, ...stream.slice(off, off + 1_000)];
      const res = await store.apply(batch);
      pending = res.unmatchedReceipts.map((i) => batch[i]!);
      for (const [k, v] of Object.entries(res.finals)) finals[k] = (finals[k] ?? 0) + v;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`[${backend.name}] applied 20,000 status events in ${seconds.toFixed(2)}s: ${Math.round(20_000 / seconds)} events/s`);

    expect(pending).toEqual([]);
    expect(finals).toEqual({ delivered: n - n / 10, undeliverable: n / 10 });
    const list = JSON.stringify(ids);
    const counts = await queryRows<{ status: string; n: number }>(
      opened.database.db,
      sql`select status, count(*)::int as n from messages where id in (select jsonb_array_elements_text(${list}::jsonb)) group by status order by status`,
    );
    expect(counts).toEqual([
      { status: 'delivered', n: n - n / 10 },
      { status: 'undeliverable', n: n / 10 },
    ]);
  });
});
