/**
 * The flag handling every small tool command shares: parse its flags, answer `--help` with its usage, and refuse a
 * bad flag or value with the message and the usage (exit status 2), so each command states only its own flags.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FlagError } from './flag-values.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Help = { help: { type: 'boolean'; short: 'h' } };
type Config<O extends Options> = { args: string[]; options: O & Help; strict: true; allowPositionals: false };
type Values<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>['values'];

export type CommandFlags<R> = { kind: 'run'; value: R } | { kind: 'help' } | { kind: 'error'; message: string };

/**
 * Parses `args` against `options` (plus `--help`) and hands the values to `read`, which turns them into what the
 * command runs with and throws a FlagError for a value it refuses.
 */
export function parseCommandFlags<const O extends Options, R>(args: string[], options: O, read: (values: Values<O>) => R): CommandFlags<R> {
  let values: Values<O>;
  try {
    const config: Config<O> = { args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false };
    ({ values } = parseArgs(config));
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
  if ((values as { help?: boolean }).help) return { kind: 'help' };
  try {
    return { kind: 'run', value: read(values) };
  } catch (err) {
    if (err instanceof FlagError) return { kind: 'error', message: err.message };
    throw err;
  }
}

/** parseCommandFlags on this process's arguments (or `args`); prints the usage and exits on `--help` (0) or a bad flag (2). */
export function commandFlags<const O extends Options, R>(usage: string, options: O, read: (values: Values<O>) => R, args = process.argv.slice(2)): R {
  const flags = parseCommandFlags(args, options, read);
  if (flags.kind === 'run') return flags.value;
  if (flags.kind === 'help') {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  process.stderr.write(`${flags.message}\n\n${usage}\n`);
  process.exit(2);
}
