/**
 * How fast this machine is right now, as a number a reader can compare across runs: the wall time of a fixed
 * integer loop, on one core and then on every core at once. A shared VM's cores can run at a fraction of their
 * speed for minutes (host throttling that the guest's steal time does not show); a bench taken then is slower
 * for reasons that are not the gateway's, and its figures say so next to this reading.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Iterations of the loop: long enough to time, short enough to run before and after every bench. */
export const SPEED_LOOP_ITERATIONS = 200_000_000;

/** The loop's source, run in a worker so that several can run at once; it posts its wall time in ms. */
const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const t = process.hrtime.bigint();
let x = 0;
for (let i = 0; i < workerData; i++) x = (x + i) | 0;
parentPort.postMessage({ ms: Number(process.hrtime.bigint() - t) / 1e6, x });
`;

function loopOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOOP, { eval: true, workerData: SPEED_LOOP_ITERATIONS });
    w.once('message', (m: { ms: number }) => resolve(m.ms));
    w.once('error', reject);
  });
}

export interface MachineSpeed {
  /** Median wall ms of the loop alone, of three. */
  oneCoreMs: number;
  /** Median over the cores of the loop's wall ms with one loop per core at once. */
  allCoresMs: number;
  cores: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function measureMachineSpeed(cores = availableParallelism()): Promise<MachineSpeed> {
  const alone: number[] = [];
  for (let i = 0; i < 3; i++) alone.push(await loopOnce());
  const together = await Promise.all(Array.from({ length: cores }, () => loopOnce()));
  return { oneCoreMs: Math.round(median(alone)), allCoresMs: Math.round(median(together)), cores };
}

export function formatMachineSpeed(s: MachineSpeed): string {
  return `machine speed: a ${SPEED_LOOP_ITERATIONS / 1e6} M-step loop took ${s.oneCoreMs} ms on one core, ${s.allCoresMs} ms on each of ${s.cores} at once (lower is faster; runs compare only at like speeds)`;
}
