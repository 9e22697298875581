/**
 * The runs of `make bench-compare`: each build's own `dist/cmd/bench.js`, one at a time, in the order asked for
 * (ABBA by default, so that neither build has the machine's better half to itself), each into a results directory
 * of its own, then the report of all of them. A bench's full output goes to a log beside its results; the lines
 * that say how a run went are echoed as it goes.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { compareReport, type BenchResults, type CompareReport, type CompareRun } from './compare-report.js';

export interface SeriesOptions {
  /** The directory whose dist/ is build A (the base) and the one whose dist/ is build B (this build). */
  builds: Record<'A' | 'B', string>;
  order: readonly ('A' | 'B')[];
  /** Flags for every bench run, as `make bench` takes them. */
  benchArgs: readonly string[];
  /** The series' directory: one results directory and one log per run. */
  dir: string;
  log: (line: string) => void;
  /** Stops the series: the running bench is interrupted (it stops what it started) and no other begins. */
  signal?: AbortSignal;
}

/** Lines of a bench's output worth showing while it runs: each rate's outcome, the machine's speed, the result. */
const ECHO = /^\s*→|machine speed: |^RESULT|^bench[: ]/;

function runBench(buildDir: string, args: readonly string[], resultsDir: string, logFile: string, echo: (line: string) => void, signal?: AbortSignal): Promise<number | null> {
  return new Promise((done, fail) => {
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [join(buildDir, 'dist', 'cmd', 'bench.js'), ...args, '--results-dir', resultsDir], {
      cwd: buildDir,
      env: { ...process.env, PATH: `/usr/sbin:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onAbort = () => child.kill('SIGINT');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.pipe(log, { end: false });
    const lines = createInterface({ input: child.stdout });
    // The bench's summary repeats the machine-speed lines: each is shown once.
    const echoed = new Set<string>();
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (ECHO.test(line) && !echoed.has(line)) {
        echoed.add(line);
        echo(line.trim());
      }
    });
    child.on('error', fail);
    // 'close', not 'exit': the last lines of the child's output may still be arriving when it has exited.
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      log.end();
      done(code);
    });
  });
}

/** The results.json a bench wrote under `dir` (it makes one timestamped directory per invocation). */
function readResults(dir: string): BenchResults | undefined {
  if (!existsSync(dir)) return undefined;
  const stamps = readdirSync(dir).sort();
  for (const stamp of stamps.reverse()) {
    const file = join(dir, stamp, 'results.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  }
  return undefined;
}

export async function runSeries(o: SeriesOptions): Promise<CompareReport & { runs: CompareRun[] }> {
  mkdirSync(o.dir, { recursive: true });
  const runs: CompareRun[] = [];
  for (const [i, build] of o.order.entries()) {
    if (o.signal?.aborted) throw new Error('interrupted');
    const order = i + 1;
    const name = `${order}-${build}`;
    o.log(`run ${order} of ${o.order.length}: build ${build} (${o.builds[build]})`);
    const code = await runBench(o.builds[build], o.benchArgs, join(o.dir, name), join(o.dir, `${name}.log`), (l) => o.log(`  [${order} ${build}] ${l}`), o.signal);
    if (o.signal?.aborted) throw new Error('interrupted');
    const results = readResults(join(o.dir, name));
    // Exit 1 with results is a bench that ran and lost a message or failed a check: the report shows it.
    if (!results) throw new Error(`run ${order} (build ${build}) left no results (bench exit ${code}); its output is in ${join(o.dir, `${name}.log`)}`);
    runs.push({ build, order, results });
  }
  return { ...compareReport(runs), runs };
}
