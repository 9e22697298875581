/** `make drills`: fault drills on a 3-node NATS cluster; composition root only. */
import { DRILLS_USAGE, parseDrillArgs } from '../tools/drills/drill-args.js';
import { runDrills } from '../tools/drills/drill-main.js';

const parsed = parseDrillArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(DRILLS_USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`drills: ${parsed.message}\n\n${DRILLS_USAGE}`);
  process.exit(2);
}
try {
  const { ok } = await runDrills(parsed.args, (line) => process.stdout.write(`${line}\n`));
  process.exit(ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`drills failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
