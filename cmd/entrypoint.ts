/**
 * The container image's entry point: `<command> [flags]` runs one command of the image — `edge`, `connector`,
 * `status-writer`, `callbacks`, `migrate`, `all` (every role in one process), or `smsc-sim` in the dev image.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COMMANDS: Readonly<Record<string, string>> = {
  edge: 'edge.js',
  connector: 'connector.js',
  'status-writer': 'status-writer.js',
  callbacks: 'callbacks.js',
  'dlr-writer': 'dlr-writer.js',
  migrate: 'migrate.js',
  all: 'smsmesh.js',
  'smsc-sim': 'smsc-sim.js',
};

const USAGE = `Usage: <command> [flags]   (e.g. docker run smsmesh edge, or args: ["edge"] in Kubernetes)

Commands: edge, connector, status-writer, migrate, callbacks, all (every role in one process), smsc-sim (dev image only).
Each takes --help.
`;

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  process.stdout.write(USAGE);
  process.exit(name === undefined ? 2 : 0);
}
const file = COMMANDS[name];
if (file === undefined) {
  process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
  process.exit(2);
}
// A URL built at run time: a literal import('./smsc-sim.js') would pull the tools into the production build.
const url = new URL(`./${file}`, import.meta.url);
if (!existsSync(fileURLToPath(url))) {
  process.stderr.write(`"${name}" is not in this image (the SMSC simulator is in the dev image: docker build --target dev)\n`);
  process.exit(2);
}
// The command reads its own flags from process.argv, as when it is run directly.
process.argv.splice(2, process.argv.length - 2, ...rest);
await import(url.href);
