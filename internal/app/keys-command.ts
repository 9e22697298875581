/**
 * `smsmesh keys create|list|revoke`: run-time API keys. A created key is printed once and stored only as its hash
 * (SMSMESH_API_KEYS); edges watch the bucket, so a new or revoked key counts at once, without a restart. Every change
 * is written to the audit log.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openApiKeyStore } from '../admin/api-key-store.js';
import { createAuditLog } from '../admin/audit-log.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { SCOPES, type Scope } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import { noopLogger } from '../log/logger.js';
import { ENVIRONMENT_HELP } from './process.js';
import { openRuntime, type Runtime } from './runtime.js';

export const KEYS_USAGE = `Usage:
  smsmesh keys create --client <id> --scope <send|read|admin> [--scope …]   prints a new key once; stores its hash
  smsmesh keys list [--json]                                                keys created at run time (never the keys)
  smsmesh keys revoke <key id>                                              the key stops working on every edge

The client must be one of the config file's clients (its rate limit applies); the key's scopes are those given.
Keys configured in the file (apiKey, apiKeyHash) are not listed here.`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Runs the subcommand in `argv` (after `keys`); resolves to the exit status. */
export async function runKeysCommand(argv: string[], io: Io = stdio): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { client: { type: 'string' }, scope: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
  } catch (err) {
    io.err(`${errorMessage(err)}\n\n${KEYS_USAGE}\n`);
    return 2;
  }
  const [sub, ...rest] = parsed.positionals;
  const v = parsed.values;
  if (v.help || sub === undefined) {
    (v.help ? io.out : io.err)(`${KEYS_USAGE}\n\n${ENVIRONMENT_HELP}\n`);
    return v.help ? 0 : 2;
  }
  if (!['create', 'list', 'revoke'].includes(sub)) {
    io.err(`unknown keys subcommand "${sub}"\n\n${KEYS_USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(undefined, { secrets: [] });
  } catch (err) {
    io.err(`smsmesh keys: ${err instanceof ConfigError ? err.message : errorMessage(err)}\n`);
    return 2;
  }
  let scopes: Scope[] = [];
  if (sub === 'create') {
    if (!v.client || !config.clients.some((c) => c.id === v.client)) {
      io.err(`--client must name a client of the config file (${config.clients.map((c) => c.id).join(', ')})\n`);
      return 2;
    }
    const bad = (v.scope ?? []).filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (!v.scope?.length || bad.length > 0) {
      io.err(`--scope is one of ${SCOPES.join(', ')}, given once per scope${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}\n`);
      return 2;
    }
    scopes = v.scope as Scope[];
  }
  if (sub === 'revoke' && rest.length !== 1) {
    io.err(`keys revoke takes one key id (see smsmesh keys list)\n`);
    return 2;
  }
  let rt: Runtime | undefined;
  try {
    rt = await openRuntime({ config, log: noopLogger, name: 'keys', withDatabase: false });
    const store = await openApiKeyStore(rt.bus);
    const audit = createAuditLog({ publisher: rt.publisher, jsm: rt.bus.jsm, deadlineMs: config.nats.publishTimeoutMs });
    const who = { client: 'cli', keyId: `cli:${userInfo().username}` };
    switch (sub) {
      case 'create': {
        const { key, record } = await store.create({ client: v.client!, scopes, createdBy: who.keyId });
        await audit.append({ who, action: 'key.create', target: record.id, result: 'ok', detail: `client ${record.client}, scopes ${record.scopes.join(',')}` });
        io.err(`Created key ${record.id} for client ${record.client} (scopes: ${record.scopes.join(', ')}). It is shown only now:\n`);
        io.out(`${key}\n`);
        return 0;
      }
      case 'list': {
        const keys = await store.list();
        if (v.json) io.out(`${JSON.stringify(keys.map(({ hash: _hash, ...k }) => k))}\n`);
        else {
          io.out(`${'id'.padEnd(14)}${'client'.padEnd(20)}${'scopes'.padEnd(20)}created\n`);
          for (const k of keys) io.out(`${k.id.padEnd(14)}${k.client.padEnd(20)}${k.scopes.join(',').padEnd(20)}${k.createdAt} by ${k.createdBy}\n`);
        }
        return 0;
      }
      default: {
        const id = rest[0]!;
        const found = await store.revoke(id);
        await audit.append({ who, action: 'key.revoke', target: id, result: found ? 'ok' : 'failed', ...(found ? {} : { detail: 'no such key' }) });
        if (!found) {
          io.err(`no key with id ${id}\n`);
          return 1;
        }
        io.err(`Revoked key ${id}; edges refuse it from now on.\n`);
        return 0;
      }
    }
  } catch (err) {
    io.err(`smsmesh keys ${sub}: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await rt?.close().catch(() => {});
  }
}
