/**
 * A nats-server JetStream cluster on loopback (three nodes by default), each node a child process with its own
 * client port, route port and store, so a drill or test can kill, freeze, restart or roll any node by itself.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startNatsServer, type NatsProcess } from './nats-process.js';

export interface NatsNode {
  /** Server name (n1, n2, …), as JetStream reports a stream's leader. */
  readonly name: string;
  readonly port: number;
  readonly url: string;
  pid(): number | undefined;
  running(): boolean;
  /** SIGKILL: the node is gone at once, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** Starts it again with the same ports and store. */
  start(): Promise<void>;
  /** SIGSTOP: the process stays, answers nothing (a frozen VM, a GC pause). */
  freeze(): void;
  thaw(): void;
}

export interface NatsCluster {
  readonly nodes: NatsNode[];
  /** Every node's client URL, comma-separated (what NATS_URL takes). */
  readonly url: string;
  node(name: string): NatsNode;
  destroy(): Promise<void>;
}

export async function startNatsCluster(o: { workDir: string; nodes?: number; name?: string }): Promise<NatsCluster> {
  const n = o.nodes ?? 3;
  const specs: { name: string; port: number; routePort: number; storeDir: string }[] = [];
  for (let i = 1; i <= n; i++) specs.push({ name: `n${i}`, port: await freePort(), routePort: await freePort(), storeDir: join(o.workDir, `n${i}`) });
  const routes = specs.map((s) => `nats://127.0.0.1:${s.routePort}`).join(',');
  const clusterName = o.name ?? 'smsmesh';

  const nodes: NatsNode[] = specs.map((s) => {
    let proc: NatsProcess | undefined;
    const args = ['-n', s.name, '--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${s.routePort}`, '--routes', routes];
    const node: NatsNode = {
      name: s.name,
      port: s.port,
      url: `nats://127.0.0.1:${s.port}`,
      pid: () => proc?.child.pid,
      running: () => proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null,
      async kill() {
        const p = proc;
        if (!p || !node.running()) return;
        const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
        p.child.kill('SIGKILL');
        await exited;
      },
      async stop() {
        if (node.running()) await proc!.stop();
      },
      async start() {
        if (node.running()) return;
        mkdirSync(s.storeDir, { recursive: true });
        proc = await startNatsServer({ port: s.port, storeDir: s.storeDir, extraArgs: args });
      },
      freeze() {
        if (node.running()) proc!.child.kill('SIGSTOP');
      },
      thaw() {
        if (node.running()) proc!.child.kill('SIGCONT');
      },
    };
    return node;
  });
  // Nodes come up together: each waits for its routes, and JetStream elects its meta leader once a majority is in.
  await Promise.all(nodes.map((x) => x.start()));
  return {
    nodes,
    url: nodes.map((x) => x.url).join(','),
    node(name) {
      const x = nodes.find((y) => y.name === name);
      if (!x) throw new Error(`no node ${name} (nodes: ${nodes.map((y) => y.name).join(', ')})`);
      return x;
    },
    async destroy() {
      for (const x of nodes) {
        x.thaw();
        await x.kill();
      }
      for (const s of specs) rmSync(s.storeDir, { recursive: true, force: true });
    },
  };
}
