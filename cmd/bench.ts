/** `make bench`: composition root of the benchmark — flags in, runBench, exit 1 when a message was lost. */
import { BENCH_USAGE, parseBenchArgs } from '../tools/bench/bench-args.js';
import { runBench } from '../tools/bench/bench-main.js';

const args = parseBenchArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(BENCH_USAGE);
  process.exit(0);
}
if (args.kind === 'error') {
  process.stderr.write(`bench: ${args.message}\n\n${BENCH_USAGE}`);
  process.exit(2);
}

// Whatever is running when Ctrl-C arrives is stopped in reverse order of start.
const cleanups: Array<() => Promise<void>> = [];
const registerCleanup = (fn: () => Promise<void>) => {
  cleanups.push(fn);
  return () => {
    const i = cleanups.lastIndexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
};
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(`\nbench: ${signal}, stopping everything it started…\n`);
  void (async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    process.exit(130);
  })();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  const outcome = await runBench(args.options, (line) => process.stdout.write(`${line}\n`), registerCleanup);
  process.exit(outcome.exitCode);
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  for (const fn of cleanups.reverse()) await fn().catch(() => {});
  process.exit(1);
}
