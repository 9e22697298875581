/**
 * The 3-node NATS configs as shipped (nats/cluster/ for VMs, k8s/overlays/prod/nats.conf for Kubernetes) form a
 * JetStream cluster, and the gateway's topology on it has 3 replicas (nats.replicas of the production config):
 * created by two processes at once, unchanged by a later start, scaled up from 1 replica, and still taking
 * messages with one node down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JetStreamManager } from '@nats-io/jetstream';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMt } from '../../internal/bus/codec.js';
import { connectBus, type Bus } from '../../internal/bus/connection.js';
import { createPublisher } from '../../internal/bus/publisher.js';
import { Subjects } from '../../internal/bus/subjects.js';
import { ensureTopology, readTopologyDefs, type TopologyOptions } from '../../internal/bus/topology.js';
import { ensureTopologyAtStart } from '../../internal/app/topology-at-start.js';
import { parseFileConfig } from '../../internal/config/load.js';
import { resolveSecretFiles } from '../../internal/config/secret-files.js';
import { newMessageId } from '../../internal/core/ids.js';
import { noopLogger } from '../../internal/log/logger.js';
import { ROOT, tempDir, waitFor } from '../support/gateway.js';
import { startNatsNodes, type NatsNode } from '../support/nats-from-config.js';

/** The production gateway config's nats and carriers sections, as the processes will read them. */
function productionTopology(): TopologyOptions {
  const raw = parseYaml(readFileSync(join(ROOT, 'k8s/overlays/prod/smsmesh.yaml'), 'utf8')) as unknown;
  const cfg = parseFileConfig(resolveSecretFiles(raw, { kinds: new Set(), baseDir: ROOT }).config);
  return {
    replicas: cfg.nats.replicas,
    duplicateWindowMs: cfg.nats.duplicateWindowMs,
    maxBacklogBytes: cfg.nats.maxBacklogBytes,
    connectorAckWaitMs: cfg.nats.ackWaitMs,
    carriers: cfg.carriers,
  };
}

const STREAMS = readTopologyDefs().streams.map((s) => s.name);

/**
 * Until the routes are up and a meta leader is elected, JetStream API requests go unanswered (a client's
 * first request times out): wait until every node has its routes to the others and knows the leader. Routes
 * that both ends open at once are closed as duplicates and opened again, so a count seen once can drop.
 */
async function waitForCluster(nodes: NatsNode[]): Promise<void> {
  const json = async <T>(n: NatsNode, path: string) => (await (await fetch(`http://127.0.0.1:${n.monitorPort}${path}`)).json()) as T;
  await waitFor(
    'routes between all nodes and a JetStream meta leader known to each',
    async () => {
      for (const n of nodes) {
        const jsz = await json<{ meta_cluster?: { leader?: string; cluster_size?: number } }>(n, '/jsz');
        const routez = await json<{ num_routes: number }>(n, '/routez');
        if (!jsz.meta_cluster?.leader || jsz.meta_cluster.cluster_size !== nodes.length || routez.num_routes !== nodes.length - 1) return false;
      }
      return true;
    },
    30_000,
    200,
  );
}

async function replicaState(jsm: JetStreamManager) {
  const out: Record<string, { replicas: number; peers: number; consumers: Record<string, { peers: number; created: string }> }> = {};
  for (const name of STREAMS) {
    const si = await jsm.streams.info(name);
    const consumers: Record<string, { peers: number; created: string }> = {};
    for await (const ci of jsm.consumers.list(name)) consumers[ci.name] = { peers: ci.cluster?.replicas?.length ?? 0, created: ci.created };
    out[name] = { replicas: si.config.num_replicas, peers: si.cluster?.replicas?.length ?? 0, consumers };
  }
  return out;
}

function clusterSuite(
  title: string,
  specs: () => { files: Record<string, string>; main: string; env?: Record<string, string> }[],
  peerIndex: (host: string) => number | undefined,
) {
  describe(title, () => {
    let dir: ReturnType<typeof tempDir>;
    let nodes: NatsNode[];
    const buses: Bus[] = [];
    const connect = async (urls: string[]) => {
      const b = await connectBus({ url: urls.join(','), name: 'cluster-test', log: noopLogger });
      buses.push(b);
      return b;
    };

    beforeAll(async () => {
      dir = tempDir('smsmesh-nats-cluster-');
      nodes = await startNatsNodes({ nodes: specs(), peerIndex, dir: dir.path });
      await waitForCluster(nodes);
    });

    afterAll(async () => {
      for (const b of buses) await b.close().catch(() => {});
      for (const n of nodes ?? []) await n.stop();
      dir?.remove();
    });

    it('forms one cluster of three, JetStream answering', async () => {
      const bus = await connect([nodes[0]!.url]);
      expect((await bus.jsm.getAccountInfo()).api.errors).toBe(0);
      const jsz = (await (await fetch(`http://127.0.0.1:${nodes[2]!.monitorPort}/jsz`)).json()) as { meta_cluster: { name: string; cluster_size: number } };
      expect(jsz.meta_cluster).toMatchObject({ name: 'smsmesh', cluster_size: 3 });
    });

    it('creates the topology with 3 replicas from two processes at once, and a later start changes nothing', async () => {
      const opts = productionTopology();
      expect(opts.replicas).toBe(3);
      const [a, b] = [await connect([nodes[0]!.url]), await connect([nodes[2]!.url])];
      // What two processes starting together do (the start retries what the cluster leaves unanswered).
      await Promise.all([ensureTopologyAtStart(a.jsm, opts, noopLogger), ensureTopologyAtStart(b.jsm, opts, noopLogger)]);
      const first = await replicaState(a.jsm);
      for (const name of STREAMS) {
        expect(first[name], name).toMatchObject({ replicas: 3, peers: 2 });
        for (const [consumer, c] of Object.entries(first[name]!.consumers)) expect(c.peers, `${name}/${consumer}`).toBe(2);
      }
      expect(Object.keys(first.SMS_MT!.consumers).sort()).toEqual(['connector-example']);

      await ensureTopology(b.jsm, opts);
      expect(await replicaState(a.jsm)).toEqual(first);
    });

    it('keeps accepting with one node down', async () => {
      const bus = await connect(nodes.map((n) => n.url));
      const publisher = createPublisher(bus);
      const mt = () => {
        const id = newMessageId(Date.now());
        return { id, clientId: 'c', carrier: 'example', to: '+447700900123', from: 'ACME', text: 'hi', encoding: 'gsm7' as const, segments: 1, acceptedAt: Date.now() };
      };
      const m1 = mt();
      await publisher.publish(Subjects.mt('example'), encodeMt(m1), { msgID: m1.id, deadlineMs: 5000 });
      await nodes[1]!.stop();
      const m2 = mt();
      // A leader on the stopped node is re-elected among the other two first.
      await waitFor(
        'a publish with one node down',
        async () => {
          try {
            await publisher.publish(Subjects.mt('example'), encodeMt(m2), { msgID: m2.id, deadlineMs: 2000 });
            return true;
          } catch {
            return false;
          }
        },
        30_000,
        500,
      );
      const si = await bus.jsm.streams.info('SMS_MT');
      expect(si.state.messages).toBeGreaterThanOrEqual(2);
    });
  });
}

const vmNode = (i: number) => ({
  main: `node-${i}.conf`,
  files: {
    [`node-${i}.conf`]: readFileSync(join(ROOT, `nats/cluster/node-${i}.conf`), 'utf8'),
    'cluster.conf': readFileSync(join(ROOT, 'nats/cluster/cluster.conf'), 'utf8'),
  },
});

clusterSuite(
  'nats/cluster (three VMs)',
  () => [vmNode(1), vmNode(2), vmNode(3)],
  (host) => {
    const m = /^nats-(\d+)\.smsmesh\.internal$/.exec(host);
    return m ? Number(m[1]) - 1 : undefined;
  },
);

// StatefulSet pods nats-0..2 behind the headless Service nats-headless; the server name is the pod name.
clusterSuite(
  'k8s/overlays/prod/nats.conf (StatefulSet of three)',
  () =>
    [0, 1, 2].map((i) => ({
      main: 'nats.conf',
      files: { 'nats.conf': readFileSync(join(ROOT, 'k8s/overlays/prod/nats.conf'), 'utf8') },
      env: { POD_NAME: `nats-${i}` },
    })),
  (host) => {
    const m = /^nats-(\d+)\.nats-headless$/.exec(host);
    return m ? Number(m[1]) : undefined;
  },
);

describe('a stream scaled up from 1 replica', () => {
  let dir: ReturnType<typeof tempDir>;
  let nodes: NatsNode[];
  let bus: Bus;

  beforeAll(async () => {
    dir = tempDir('smsmesh-nats-scale-');
    nodes = await startNatsNodes({
      nodes: [vmNode(1), vmNode(2), vmNode(3)],
      peerIndex: (h) => {
        const m = /^nats-(\d+)\.smsmesh\.internal$/.exec(h);
        return m ? Number(m[1]) - 1 : undefined;
      },
      dir: dir.path,
    });
    await waitForCluster(nodes);
    bus = await connectBus({ url: nodes.map((n) => n.url).join(','), name: 'scale-test', log: noopLogger });
  });

  afterAll(async () => {
    await bus?.close().catch(() => {});
    for (const n of nodes ?? []) await n.stop();
    dir?.remove();
  });

  it('becomes 3 replicas, with its consumers, when the config says 3', async () => {
    const opts = productionTopology();
    await ensureTopology(bus.jsm, { ...opts, replicas: 1 });
    expect((await replicaState(bus.jsm)).SMS_MT).toMatchObject({ replicas: 1, peers: 0 });
    await ensureTopology(bus.jsm, opts);
    await waitFor(
      'every stream and consumer on 3 nodes',
      async () => {
        const s = await replicaState(bus.jsm);
        return STREAMS.every((n) => s[n]!.replicas === 3 && s[n]!.peers === 2 && Object.values(s[n]!.consumers).every((c) => c.peers === 2));
      },
      20_000,
      500,
    );
  });
});
