/**
 * The faults the drills inject, one per drill: what breaks, how it is brought back, and how many duplicates at the
 * SMSC the promise allows for it (binds × window of the sessions the fault can cut, per fault).
 */
import type { DrillStack } from './drill-stack.js';

export interface Drill {
  name: string;
  what: string;
  /** Breaks something and brings it back; resolves when the fault is over (recovery may still be going on). */
  inject(s: DrillStack, say: (line: string) => void): Promise<void>;
  /** Submits the SMSC may see twice because of this fault. */
  dupBound(s: DrillStack): number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Every window of every connector: what is sent but not yet acked, the most a lost ack can make us send again. */
const allWindows = (s: DrillStack) => s.connectors.length * s.dupBoundPerConnector;

async function leaderNode(s: DrillStack) {
  return s.cluster.node(await s.streamLeader());
}

async function followerNode(s: DrillStack) {
  const leader = await s.streamLeader();
  return s.cluster.nodes.find((n) => n.name !== leader)!;
}

export const DRILLS: readonly Drill[] = [
  {
    name: 'nats-leader-kill',
    what: 'SIGKILL the nats-server leading SMS_MT; start it again 10 s later',
    async inject(s, say) {
      const n = await leaderNode(s);
      say(`killing ${n.name} (SMS_MT leader)`);
      await n.kill();
      await sleep(10_000);
      await n.start();
    },
    dupBound: allWindows,
  },
  {
    name: 'nats-follower-kill',
    what: 'SIGKILL a nats-server that does not lead SMS_MT; start it again 10 s later',
    async inject(s, say) {
      const n = await followerNode(s);
      say(`killing ${n.name} (a follower)`);
      await n.kill();
      await sleep(10_000);
      await n.start();
    },
    dupBound: allWindows,
  },
  {
    name: 'nats-freeze',
    what: 'SIGSTOP the SMS_MT leader for 10 s (a frozen VM), then SIGCONT',
    async inject(s, say) {
      const n = await leaderNode(s);
      say(`freezing ${n.name}`);
      n.freeze();
      await sleep(10_000);
      n.thaw();
    },
    dupBound: allWindows,
  },
  {
    name: 'nats-rolling-restart',
    what: 'restart every nats-server one after another (SIGTERM, 3 s down, next 5 s after it is back)',
    async inject(s, say) {
      for (const n of s.cluster.nodes) {
        say(`restarting ${n.name}`);
        await n.stop();
        await sleep(3000);
        await n.start();
        await sleep(5000);
      }
    },
    dupBound: (s) => 3 * allWindows(s),
  },
  {
    name: 'nats-cluster-restart',
    what: 'stop all three nats-servers, start them again 5 s later',
    async inject(s, say) {
      say('stopping the whole NATS cluster');
      await Promise.all(s.cluster.nodes.map((n) => n.stop()));
      await sleep(5000);
      await Promise.all(s.cluster.nodes.map((n) => n.start()));
    },
    dupBound: allWindows,
  },
  {
    name: 'postgres-restart',
    what: 'pg_ctl -m fast stop, start again 5 s later',
    async inject(s, say) {
      say('stopping PostgreSQL');
      s.pg.stop('fast');
      await sleep(5000);
      s.pg.start();
    },
    dupBound: () => 0,
  },
  {
    name: 'edge-kill',
    what: 'SIGKILL edge-1 (clients retry on edge-2); start it again 5 s later',
    async inject(s, say) {
      say('killing edge-1');
      await s.edges[0]!.kill();
      await sleep(5000);
      await s.edges[0]!.start();
    },
    dupBound: () => 0,
  },
  {
    name: 'connector-kill',
    what: 'SIGKILL connector-1 mid-window; start it again 3 s later',
    async inject(s, say) {
      say('killing connector-1');
      await s.connectors[0]!.kill();
      await sleep(3000);
      await s.connectors[0]!.start();
    },
    dupBound: (s) => s.dupBoundPerConnector,
  },
  {
    name: 'status-writer-kill',
    what: 'SIGKILL the status writer; start it again 3 s later',
    async inject(s, say) {
      say('killing the status writer');
      await s.writer.kill();
      await sleep(3000);
      await s.writer.start();
    },
    dupBound: () => 0,
  },
  {
    name: 'smsc-flapping',
    what: 'the link to the SMSC drops every session and refuses connections for 1 s, every 2 s for 20 s',
    async inject(s, say) {
      // A flapping link, not a crashing SMSC: the SMSC keeps what it accepted and sends the receipts it still owes
      // on the next bind, as SMSCs do. (An SMSC that loses them leaves messages submitted until the carrier's
      // receiptTimeoutS turns them unknown.)
      say('SMSC link flapping');
      for (let i = 0; i < 10; i++) {
        await s.sim.reachable(false);
        await sleep(1000);
        await s.sim.reachable(true);
        await sleep(1000);
      }
    },
    dupBound: (s) => 10 * allWindows(s),
  },
  {
    name: 'smsc-silent',
    what: 'the SMSC answers no submit_sm for 15 s (sessions stay up)',
    async inject(s, say) {
      say('SMSC silent');
      await s.sim.behave({ silentShare: 1 });
      await sleep(15_000);
      await s.sim.behave({ silentShare: 0 });
    },
    dupBound: allWindows,
  },
];

export const SHORT_DRILLS = ['nats-leader-kill', 'connector-kill', 'postgres-restart'] as const;
