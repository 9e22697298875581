/**
 * The Node/V8 flags a gateway process is started with, by what it runs. V8 flags cannot be set from NODE_OPTIONS nor
 * from inside a process once its heap exists, so every launcher passes them on the command line: the image's start
 * script (scripts/image-entrypoint.sh, which the Kubernetes pods use), the benchmark, the drills and the test
 * harness (test/deploy/node-flags.test.ts holds the script to this file).
 *
 * --single-threaded-gc, for a process that runs one role beside others on shared cores. V8 otherwise spreads each
 * young-generation collection, concurrent marking and optimising compilation over helper threads. Where the cores
 * are already busy with the other roles, nats-server and PostgreSQL (the split layout on two cores; pods packed by
 * their CPU requests), those threads buy no parallelism: they wait for a core, and the main thread waits for them.
 * In `make bench --layout split` they took 8-26 % of each gateway process's CPU, and the flag lowered the gateway's
 * CPU per message and its p99 accept latency (README, "Garbage collection on the main thread").
 *
 * Not for the all-in-one process (`npm start`, `make dev`, `all` in the image): there one main thread carries every
 * role and is what saturates first, and the helper threads are how that process uses a second core; with the flag
 * it carried less at 3,000/s (same README section). Nor for a single-role process with idle cores to spare:
 * `node --no-single-threaded-gc …` (the last flag wins), or a container that starts node itself
 * (`command: ["node", "dist/cmd/entrypoint.js"]`), gives V8's default back.
 */
import { ROLES } from './role-needs.js';

export const SINGLE_ROLE_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** The entry points (dist/cmd/<entry>.js) that run one role each; `dlr-writer` is the status writer's earlier name. */
const SINGLE_ROLE_ENTRIES: ReadonlySet<string> = new Set<string>([...ROLES, 'dlr-writer']);

/** The flags to start dist/cmd/<entry>.js with: none for the all-in-one process and the tools. */
export function nodeFlagsFor(entry: string): readonly string[] {
  return SINGLE_ROLE_ENTRIES.has(entry) ? SINGLE_ROLE_NODE_FLAGS : [];
}
