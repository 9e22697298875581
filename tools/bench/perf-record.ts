/**
 * Linux perf around a bench: records the gateway processes' CPU samples with call graphs while the runs go on, then
 * reads them back through `perf script` as a stream (a run's samples come to tens of megabytes of text).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPerfAggregator, createPerfScriptParser, type PerfProcessSummary } from './perf-summary.js';

/** Samples per second per thread: enough for shares to the tenth of a per cent over a run, little overhead. */
export const PERF_HZ = 499;

/** Why perf cannot be used here, or undefined when it can. */
export function perfUnavailable(): string | undefined {
  const r = spawnSync('perf', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'Linux perf is not installed (Debian: apt-get install linux-perf)';
  return undefined;
}

/**
 * The node flags that let perf name compiled JavaScript: V8 writes a symbol map for each process to
 * /tmp/perf-<pid>.map, where perf looks for it. Its code-event log goes to `logDir`, not the working directory.
 */
export const perfNodeFlags = (logDir: string): string[] => ['--perf-basic-prof', `--logfile=${logDir}/v8-%p.log`, '--no-logfile-per-isolate'];

export interface PerfRecording {
  file: string;
  stop(): Promise<void>;
}

export function startPerfRecord(pids: readonly number[], file: string, log: (line: string) => void): PerfRecording {
  const child: ChildProcess = spawn('perf', ['record', '-F', String(PERF_HZ), '-g', '-p', pids.join(','), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    file,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      const last = stderr.trim().split('\n').pop();
      if (last) log(`perf record: ${last}`);
    },
  };
}

/**
 * Reads the recording back and summarizes each named process. The symbol maps V8 wrote for them are moved beside the
 * recording: to read it again with `perf script`, copy them back to /tmp first.
 */
export async function summarizePerfRecording(file: string, names: ReadonlyMap<number, string>, root: string): Promise<PerfProcessSummary[]> {
  const agg = createPerfAggregator(root);
  const parser = createPerfScriptParser((s) => agg.add(s));
  const child = spawn('perf', ['script', '-i', file, '-F', 'pid,tid,ip,sym,dso'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for await (const line of createInterface({ input: child.stdout! })) parser.line(line);
  parser.end();
  const code = await exited;
  if (code !== 0) throw new Error(`perf script -i ${file} exited ${code}`);
  for (const pid of names.keys()) {
    const map = `/tmp/perf-${pid}.map`;
    if (!existsSync(map)) continue;
    copyFileSync(map, join(dirname(file), `perf-${pid}.map`));
    rmSync(map, { force: true });
  }
  return agg.summarize(names, PERF_HZ);
}
