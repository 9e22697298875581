/** `make bench-hops`: the CPU cost of each hop of a message at its floor, and what the design would cost if every hop were there. */
import { formatEdgeFloor, measureEdgeFloor } from '../tools/bench/edge-floor.js';
import { measureHopCosts } from '../tools/bench/hop-costs.js';
import { DESIGN_USES, designFloor, per1k } from '../tools/bench/hop-floor.js';
import { formatMachineSpeed, measureMachineSpeed } from '../tools/bench/machine-speed.js';
import { commandFlags } from '../tools/shared/command-flags.js';
import { isWholeAtLeast, numberFlag, rateListFlag } from '../tools/shared/flag-values.js';

const usage = `Usage: node dist/cmd/bench-hops.js [--messages 50000] [--edge-rates 2000,3000 [--edge-duration 20]] [--help]

Measures each hop a message takes, alone and at its floor (the least code that does the hop's work): an HTTP request
answered by a bare node:http server; a JetStream store with its PubAck; a JetStream delivery to a pull consumer and
its ack; status events in batches of 200, published and consumed; an SMPP submit_sm and its receipt against the
simulator; a row written to PostgreSQL's messages table in batches of 2,500. Prints CPU seconds per 1,000 for the
gateway's side and the server's, then the floor of one keyed single-message send (the hops it takes, each at its
floor): the figure the gateway's own CPU per message is measured against. Starts its own nats-server and database;
run nothing else meanwhile.

  --messages <n>         messages per hop (default 50000)
  --edge-rates <a,b,…>   then the edge's floor at an open load: the least HTTP edge, driven by make bench's load
                         generator at each of these arrival rates (requests/s), in three forms: answering at once,
                         answering on the message's PubAck (an unkeyed send), and claiming the Idempotency-Key before
                         storing (a keyed send). Prints the requests answered 202 and the messages and claims that
                         reached their streams meanwhile, accept latency p50/p95/p99/p99.9, and the CPU per 1,000 of
                         the edge, nats-server and the load generator: what no edge on node:http and JetStream goes
                         below on this machine, with nothing else running
  --edge-duration <s>    seconds of load per edge and rate (default 20)`;

const flags = commandFlags(usage, { messages: { type: 'string', default: '50000' }, 'edge-rates': { type: 'string' }, 'edge-duration': { type: 'string', default: '20' } }, (v) => ({
  messages: numberFlag('messages', v.messages, 50000, isWholeAtLeast(1000), 'a whole number of at least 1000'),
  edgeRates: rateListFlag('edge-rates', v['edge-rates']) ?? [],
  edgeDurationS: numberFlag('edge-duration', v['edge-duration'], 20, isWholeAtLeast(1), 'a whole number of seconds, at least 1'),
}));
const log = (line: string) => process.stdout.write(`${line}\n`);
log(`before, ${formatMachineSpeed(await measureMachineSpeed())}`);
const costs = await measureHopCosts({ messages: flags.messages, log });
const f2 = (x: number) => x.toFixed(3);
log('');
log('hop         gateway side CPU-s/1k  server side CPU-s/1k  unit');
for (const c of costs) log(`${c.hop.padEnd(10)}  ${f2(per1k(c.gatewayS, c.units)).padStart(21)}  ${`${f2(per1k(c.serverS, c.units))} ${c.server === 'none' ? '' : c.server}`.padEnd(20)}  ${c.unit}`);
const floor = designFloor(costs, DESIGN_USES);
log('');
log('one keyed single-message send, every hop at its floor (CPU-s per 1,000 messages):');
for (const l of floor.lines) log(`  ${l.hop.padEnd(10)} × ${l.perMessage}  gateway ${f2(l.gateway)}  ${l.serverName === 'none' ? '' : `${l.serverName} ${f2(l.server)}`}`);
log(`  gateway ${f2(floor.gateway)}, stack (gateway + nats-server + PostgreSQL) ${f2(floor.stack)}`);
if (flags.edgeRates.length > 0) {
  log('');
  const rows = await measureEdgeFloor({ rates: flags.edgeRates, durationS: flags.edgeDurationS, log });
  log('');
  log(`the least edge at an open load (${flags.edgeDurationS} s per rate; nothing else running but nats-server and the load generator):`);
  for (const l of formatEdgeFloor(rows)) log(l);
}
log(`after, ${formatMachineSpeed(await measureMachineSpeed())}`);
process.exit(0);
