/**
 * Operator control of carriers, in the SMSMESH_CARRIER_CONTROL bucket (key: carrier id): `paused` (binds fetch
 * nothing, so nothing is submitted; edges keep accepting and JetStream keeps queueing) or `draining` (binds submit
 * what is queued, and the carrier turns `paused` once its queue is empty). No key = `active`. Connectors watch it.
 */
import type { Bus } from '../bus/connection.js';
import { KvConflictError, openKvStore, type KvStore } from '../bus/kv-store.js';
import { Buckets } from '../bus/subjects.js';
import type { Logger } from '../log/logger.js';

export type CarrierState = 'active' | 'paused' | 'draining';

export interface CarrierControlRecord {
  state: Exclude<CarrierState, 'active'>;
  /** Who set it (key id), and when (ISO). */
  by: string;
  at: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function parse(value: Uint8Array): CarrierControlRecord | undefined {
  try {
    const r = JSON.parse(dec.decode(value)) as CarrierControlRecord;
    return r.state === 'paused' || r.state === 'draining' ? r : undefined;
  } catch {
    return undefined;
  }
}

export interface CarrierControl {
  get(carrier: string): Promise<{ state: CarrierState; record?: CarrierControlRecord; revision?: number }>;
  set(carrier: string, state: CarrierState, by: string): Promise<void>;
  /** `draining` → `paused`, only if nobody changed it since `revision` (several connectors may try at once). */
  finishDrain(carrier: string, revision: number): Promise<boolean>;
}

export async function openCarrierControl(bus: Pick<Bus, 'js' | 'pubAcks'>, now: () => number = Date.now): Promise<CarrierControl> {
  const kv: KvStore = await openKvStore(bus, Buckets.carrierControl);
  const record = (state: CarrierControlRecord['state'], by: string) => enc.encode(JSON.stringify({ state, by, at: new Date(now()).toISOString() }));
  return {
    async get(carrier) {
      const e = await kv.get(carrier);
      const r = e && parse(e.value);
      return r && e ? { state: r.state, record: r, revision: e.revision } : { state: 'active' };
    },
    async set(carrier, state, by) {
      if (state !== 'active') {
        await kv.put(carrier, record(state, by));
        return;
      }
      const e = await kv.get(carrier);
      if (e) await kv.delete(carrier, e.revision);
    },
    async finishDrain(carrier, revision) {
      try {
        const e = await kv.get(carrier);
        const r = e && parse(e.value);
        if (!e || r?.state !== 'draining' || e.revision !== revision) return false;
        await kv.update(carrier, record('paused', r.by), revision);
        return true;
      } catch (err) {
        if (err instanceof KvConflictError) return false;
        throw err;
      }
    },
  };
}

/** Each carrier's state as last seen, from a watch of the bucket; read on every fetch decision, so kept in memory. */
export async function watchCarrierControl(
  bus: Pick<Bus, 'js' | 'pubAcks'>,
  log: Logger,
): Promise<{ state(carrier: string): CarrierState; draining(): string[]; stop(): void }> {
  const kv = await openKvStore(bus, Buckets.carrierControl);
  const states = new Map<string, CarrierControlRecord['state']>();
  const w = await kv.watch((carrier, value) => {
    const r = value && parse(value);
    const before = states.get(carrier) ?? 'active';
    if (r) states.set(carrier, r.state);
    else states.delete(carrier);
    const after = states.get(carrier) ?? 'active';
    if (before !== after) log.info({ carrier, state: after }, `carrier ${after}`);
  });
  return {
    state: (carrier) => states.get(carrier) ?? 'active',
    draining: () => [...states].filter(([, s]) => s === 'draining').map(([c]) => c),
    stop: () => w.stop(),
  };
}

/**
 * Turns a draining carrier `paused` once its queue is empty: every `everyMs`, for each draining carrier, asks how many
 * of its messages wait or are in flight (`backlog`), and at 0 moves it to paused, compare-and-set, so that of several
 * connectors doing this one wins and an operator's resume in between is never overwritten.
 */
export function startDrainCompleter(d: {
  control: CarrierControl;
  draining: () => string[];
  backlog: (carrier: string) => Promise<number>;
  log: Logger;
  everyMs?: number;
}): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    for (const carrier of d.draining()) {
      try {
        const before = await d.control.get(carrier);
        if (before.state !== 'draining' || before.revision === undefined) continue;
        if ((await d.backlog(carrier)) > 0) continue;
        if (await d.control.finishDrain(carrier, before.revision)) d.log.info({ carrier }, 'carrier drained: its queue is empty, it is paused now');
      } catch (err) {
        d.log.warn({ carrier, err: String(err) }, 'could not check a draining carrier; trying again');
      }
    }
  };
  const loop = () => {
    timer = setTimeout(() => {
      void tick().finally(() => {
        if (!stopped) loop();
      });
    }, d.everyMs ?? 1000);
    timer.unref();
  };
  loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
