/** Composition root of the SMSC simulator: flags in, simulator up, one JSON line when ready, clean exit on SIGTERM/SIGINT. */
import { createLogger } from '../internal/log/logger.js';
import { parseSimulatorArgs, SIMULATOR_USAGE } from '../tools/smsc-sim/cli-args.js';
import { startSmscSimulator } from '../tools/smsc-sim/simulator.js';
import { rateReport } from '../tools/smsc-sim/sim-report.js';

const args = parseSimulatorArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(SIMULATOR_USAGE);
  process.exit(0);
}
if (args.kind === 'error') {
  process.stderr.write(`smsc-sim: ${args.message}\n\n${SIMULATOR_USAGE}`);
  process.exit(2);
}

const log = createLogger({ name: 'smsc-sim', level: process.env.LOG_LEVEL ?? 'info' });

try {
  const sim = await startSmscSimulator({ ...args.options, log });
  log.info({ port: sim.port, host: args.options.host }, 'smsc simulator listening');
  const every = args.reportEveryS;
  if (every !== undefined) setInterval(() => log.info(rateReport(sim.stats(), Date.now(), every), 'smsc simulator rates'), every * 1000).unref();

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, ...sim.stats() }, 'smsc simulator stopping');
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'smsc simulator close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (err) {
  log.error({ err }, 'smsc simulator failed to start');
  process.exit(1);
}
