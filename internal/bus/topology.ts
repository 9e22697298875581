/** Creates or updates the JetStream streams and durable consumers declared in nats/streams.json. Idempotent. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { packageRoot } from '../core/paths.js';
import type { Logger } from '../log/logger.js';
import { noopLogger } from '../log/logger.js';
import { addOrAdopt, unlessNotFound } from './add-or-adopt.js';
import { Durables, Streams } from './subjects.js';

interface StreamDef {
  name: string;
  description?: string;
  subjects: string[];
  retention: 'interest' | 'workqueue' | 'limits';
  storage: 'file' | 'memory';
  discard: 'new' | 'old';
  duplicate_window_ms?: number;
  max_msg_size?: number;
  /** Fixed bounds of streams whose bounds do not come from the config. */
  max_age_ms?: number;
  max_bytes?: number;
}

interface ConsumerDef {
  stream: string;
  durable: string;
  filter_subject: string;
  ack_wait_ms: number;
  max_ack_pending?: number;
  max_ack_pending_per_window_slot?: number;
  min_max_ack_pending?: number;
  max_waiting?: number;
  /** Deliveries before the server stops; the pull consumer dead-letters before that (see pull-consumer.ts). */
  max_deliver: number;
}

export interface TopologyDefs {
  streams: StreamDef[];
  consumers: ConsumerDef[];
  /** Durables of earlier releases, deleted when found (an interest stream keeps every message a durable has not acked). */
  retired_consumers?: { stream: string; durable: string }[];
}

export interface TopologyOptions {
  replicas: number;
  duplicateWindowMs: number;
  maxBacklogBytes: number;
  /** How long dead letters are kept; default 14 days. */
  deadLetterMaxAgeMs?: number;
  /** ack_wait of the connector consumers (others use nats/streams.json). */
  connectorAckWaitMs: number;
  /** Bounds of SMS_SCHEDULED and its scheduler; defaults: 100,000 held, rechecked every 10 minutes, up to 35 days ahead. */
  scheduling?: SchedulingLimits;
  carriers: readonly { id: string; binds: number; window: number }[];
}

export const DEFAULT_DEAD_LETTER_MAX_AGE_MS = 14 * 24 * 3600_000;

export interface SchedulingLimits {
  maxScheduled: number;
  recheckMs: number;
  maxAheadMs: number;
}
export const DEFAULT_SCHEDULING: SchedulingLimits = { maxScheduled: 100_000, recheckMs: 600_000, maxAheadMs: 35 * 24 * 3600_000 };

/**
 * Deliveries a held message may need: one per recheck until due (the scheduler naks it with
 * min(due − now, recheckMs)), plus room for restarts and redeliveries after ack_wait.
 */
export function schedulerMaxDeliver(s: SchedulingLimits): number {
  return Math.ceil(s.maxAheadMs / s.recheckMs) + 100;
}

export function readTopologyDefs(path = join(packageRoot(), 'nats', 'streams.json')): TopologyDefs {
  return JSON.parse(readFileSync(path, 'utf8')) as TopologyDefs;
}

const retention = { interest: RetentionPolicy.Interest, workqueue: RetentionPolicy.Workqueue, limits: RetentionPolicy.Limits };

export function streamConfig(def: StreamDef, opts: TopologyOptions): Partial<StreamConfig> & { name: string } {
  const isMt = def.name === Streams.mt;
  const isDead = def.name === Streams.dead;
  const isScheduled = def.name === Streams.scheduled;
  const dupMs = isMt ? opts.duplicateWindowMs : (def.duplicate_window_ms ?? 120_000);
  return {
    name: def.name,
    description: def.description,
    subjects: def.subjects,
    retention: retention[def.retention],
    storage: def.storage === 'file' ? StorageType.File : StorageType.Memory,
    discard: def.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    num_replicas: opts.replicas,
    duplicate_window: nanos(dupMs),
    max_bytes: isMt ? opts.maxBacklogBytes : (def.max_bytes ?? -1),
    max_msg_size: def.max_msg_size ?? -1,
    max_age: isDead ? nanos(opts.deadLetterMaxAgeMs ?? DEFAULT_DEAD_LETTER_MAX_AGE_MS) : nanos(def.max_age_ms ?? 0),
    max_msgs: isScheduled ? (opts.scheduling ?? DEFAULT_SCHEDULING).maxScheduled : -1,
  };
}

/** Expands per-carrier templates; max_ack_pending covers every window plus what throttling holds back. */
export function consumerConfigs(defs: TopologyDefs, opts: TopologyOptions): { stream: string; config: Partial<ConsumerConfig> & { durable_name: string } }[] {
  const out: { stream: string; config: Partial<ConsumerConfig> & { durable_name: string } }[] = [];
  for (const d of defs.consumers) {
    const targets = d.durable.includes('{carrier}') ? opts.carriers : [undefined];
    for (const carrier of targets) {
      const sub = (s: string) => (carrier ? s.replaceAll('{carrier}', carrier.id) : s);
      const scheduler = d.stream === Streams.scheduled && d.durable === Durables.scheduler;
      const sched = opts.scheduling ?? DEFAULT_SCHEDULING;
      const map = scheduler
        ? sched.maxScheduled + 1000
        : d.max_ack_pending ??
        Math.max(
          d.min_max_ack_pending ?? 1000,
          carrier ? carrier.binds * carrier.window * (d.max_ack_pending_per_window_slot ?? 20) : 1000,
        );
      out.push({
        stream: d.stream,
        config: {
          durable_name: sub(d.durable),
          filter_subject: sub(d.filter_subject),
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: nanos(carrier ? opts.connectorAckWaitMs : d.ack_wait_ms),
          max_ack_pending: map,
          max_waiting: d.max_waiting ?? 512,
          max_deliver: scheduler ? schedulerMaxDeliver(sched) : d.max_deliver,
        },
      });
    }
  }
  return out;
}

export async function ensureTopology(jsm: JetStreamManager, opts: TopologyOptions, log: Logger = noopLogger, defs = readTopologyDefs()): Promise<void> {
  for (const def of defs.streams) {
    const cfg = streamConfig(def, opts);
    /** Applies cfg to the stream if it exists; false when it does not. */
    const update = async (): Promise<boolean> => {
      const info = await unlessNotFound(jsm.streams.info(def.name));
      if (!info) return false;
      await jsm.streams.update(def.name, { ...info.config, ...cfg });
      return true;
    };
    if (await update()) log.debug({ stream: def.name }, 'stream updated');
    else await addOrAdopt({ kind: 'stream', stream: def.name }, () => jsm.streams.add(cfg), update, log);
  }
  for (const { stream, durable } of defs.retired_consumers ?? []) {
    if (await unlessNotFound(jsm.consumers.delete(stream, durable))) log.info({ stream, consumer: durable }, 'retired consumer deleted');
  }
  for (const { stream, config } of consumerConfigs(defs, opts)) {
    const update = async (): Promise<boolean> => {
      if (!(await unlessNotFound(jsm.consumers.info(stream, config.durable_name)))) return false;
      const { ack_wait, max_ack_pending, max_waiting, max_deliver } = config;
      await jsm.consumers.update(stream, config.durable_name, { ack_wait, max_ack_pending, max_waiting, max_deliver });
      return true;
    };
    if (!(await update())) await addOrAdopt({ kind: 'consumer', stream, consumer: config.durable_name }, () => jsm.consumers.add(stream, config), update, log);
  }
}
