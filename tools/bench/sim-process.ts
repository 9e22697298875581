/** The parent's handle on a bench SMSC simulator process (sim-child.js): start, counters, down/up, stop. */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { packageRoot } from '../../internal/core/paths.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BehaviourPatch, SimulatorOptions } from '../smsc-sim/simulator.js';
import { killOnExit } from '../shared/exit-guard.js';

export interface SimStats {
  up: boolean;
  /** Segments accepted again with the same destination and content (duplicates at the SMSC). */
  duplicates: number;
  binds: number;
  /** submit_sm answered ESME_ROK (segments, not messages). */
  submits: number;
  receiptsSent: number;
  throttled: number;
  rejected: number;
  receiptsDropped: number;
  receiptsQueued: number;
}

export interface SimProcess {
  port: number;
  pid: number;
  stats(): Promise<SimStats>;
  /** The SMSC goes away: every session is cut and the port stops answering. */
  down(): Promise<SimStats>;
  /** The SMSC comes back on the same port. */
  up(): Promise<SimStats>;
  /** The link to the SMSC is cut (false) or mended (true): sessions drop, messages and queued receipts stay. */
  reachable(up: boolean): Promise<SimStats>;
  /** Changes how it answers (e.g. silentShare 1: no submit is answered). */
  behave(patch: BehaviourPatch): Promise<SimStats>;
  stop(): Promise<void>;
}

// Beside this file once compiled; from the sources (tests run them), the compiled copy under dist/.
const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = existsSync(join(HERE, 'sim-child.js')) ? join(HERE, 'sim-child.js') : join(packageRoot(), 'dist', 'tools', 'bench', 'sim-child.js');

type Reply = { type: 'ready' } | { type: 'started'; port: number } | { type: 'reply'; reqId: number; value: SimStats } | { type: 'error'; reqId: number; error: string };

export async function startSimProcess(options: SimulatorOptions): Promise<SimProcess> {
  const child: ChildProcess = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  killOnExit(child);
  const waiters = new Map<number, { resolve: (s: SimStats) => void; reject: (e: Error) => void }>();
  let reqSeq = 0;
  let onStarted: ((port: number) => void) | undefined;
  let onStartError: ((e: Error) => void) | undefined;
  child.on('message', (m: Reply) => {
    if (m.type === 'ready') child.send({ type: 'start', options });
    else if (m.type === 'started') onStarted?.(m.port);
    else if (m.type === 'reply') {
      waiters.get(m.reqId)?.resolve(m.value);
      waiters.delete(m.reqId);
    } else if (m.type === 'error') {
      if (m.reqId === 0) onStartError?.(new Error(m.error));
      waiters.get(m.reqId)?.reject(new Error(m.error));
      waiters.delete(m.reqId);
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    onStarted = resolve;
    onStartError = reject;
    child.once('exit', (code) => reject(new Error(`SMSC simulator process exited with ${code} at start`)));
  });
  const ask = (type: 'stats' | 'down' | 'up' | 'behave' | 'reachable', extra?: { patch?: BehaviourPatch; up?: boolean }) =>
    new Promise<SimStats>((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error('SMSC simulator process is gone'));
      const reqId = ++reqSeq;
      waiters.set(reqId, { resolve, reject });
      child.send({ type, reqId, ...extra });
    });
  return {
    port,
    pid: child.pid ?? 0,
    stats: () => ask('stats'),
    down: () => ask('down'),
    up: () => ask('up'),
    reachable: (up) => ask('reachable', { up }),
    behave: (patch) => ask('behave', { patch }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'exit' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
