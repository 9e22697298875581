/**
 * Kannel 1.4.5 side by side: finds bearerbox/smsbox, writes a config into the bench's temp dir (one SMPP
 * transceiver session per bind to its own SMSC simulator, DLRs in PostgreSQL, a sendsms user), creates the DLR
 * table, starts both boxes and waits until the SMSC link is online.
 *
 * The DLR table: Kannel's PostgreSQL DLR store updates and deletes rows `WHERE oid = (SELECT oid … LIMIT 1)`,
 * which relied on the system column oid that PostgreSQL 12 removed; the table therefore carries an explicit
 * `oid` column (bigserial). Kannel inserts a row per submitted part (on submit_sm_resp), and deletes it when the
 * final receipt for that part arrives, then calls the dlr-url: the bench counts those callbacks as "persisted".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchDatabase } from './bench-database.js';
import { killOnExit } from '../shared/exit-guard.js';
import { freePort, waitHttpOk } from './stack.js';
import { logChildOutput } from '../shared/child-log.js';

export interface KannelBinaries {
  bearerbox: string;
  smsbox: string;
}

export const KANNEL_INSTALL_HINT =
  'Kannel is not installed (no bearerbox/smsbox). Install it with `make bench-kannel` or `sudo apt-get install -y kannel` ' +
  '(Debian/Ubuntu; `apt-cache policy kannel` shows the version, 1.4.5 on Debian 12), then run `make bench` again.';

export function findKannel(env: NodeJS.ProcessEnv = process.env): KannelBinaries | undefined {
  const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  const find = (name: string) => dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  const bearerbox = find('bearerbox');
  const smsbox = find('smsbox');
  return bearerbox && smsbox ? { bearerbox, smsbox } : undefined;
}

export interface KannelOptions {
  bin: KannelBinaries;
  workDir: string;
  logDir: string;
  db: BenchDatabase;
  /** The DLR store connects with the admin URL's user and password. */
  smscPort: number;
  /** SMPP sessions (smsc groups with the same smsc-id). */
  binds: number;
  /** max-pending-submits per session. */
  window: number;
  /** Kannel's message store: spool (one file per message), file (one log file), or none. */
  store: 'spool' | 'file' | 'none';
  /** Kannel log level: 0 debug … 4 panic. */
  logLevel: number;
  /** Max DLR store connections. */
  dbConnections: number;
  /** Where pending DLRs live: PostgreSQL (durable) or Kannel's memory (lost on a restart). */
  dlrStorage: 'pgsql' | 'internal';
}

export interface KannelStack {
  sendsmsUrl: string;
  username: string;
  password: string;
  pids(): number[];
  processes: Array<{ name: string; pid: number }>;
  configPath: string;
  /** Rows in the dlr table: parts submitted whose final receipt has not been processed. */
  pendingDlrRows(): Promise<number>;
  stop(): Promise<void>;
}

export const KANNEL_DLR_TABLE = `create table if not exists dlr (
  oid bigserial primary key,
  smsc varchar(40),
  ts varchar(65),
  destination varchar(40),
  source varchar(40),
  service varchar(40),
  url text,
  mask int,
  status int,
  boxc varchar(40)
);
create index if not exists dlr_smsc_ts_idx on dlr (smsc, ts)`;

const q = (s: string) => `"${s.replace(/"/g, '')}"`;

export function kannelConfig(o: {
  adminPort: number;
  smsboxPort: number;
  sendsmsPort: number;
  smscPort: number;
  binds: number;
  window: number;
  store: KannelOptions['store'];
  dlrStorage: KannelOptions['dlrStorage'];
  storeDir: string;
  logDir: string;
  logLevel: number;
  db: { host: string; port: number; user: string; password: string; database: string; connections: number };
  username: string;
  password: string;
}): string {
  const core = [
    'group = core',
    `admin-port = ${o.adminPort}`,
    'admin-password = bench',
    'admin-allow-ip = "127.0.0.1"',
    `smsbox-port = ${o.smsboxPort}`,
    'box-allow-ip = "127.0.0.1"',
    `log-file = ${q(join(o.logDir, 'bearerbox.log'))}`,
    `log-level = ${o.logLevel}`,
    `dlr-storage = ${o.dlrStorage}`,
    ...(o.store === 'none' ? [] : [`store-type = ${o.store}`, `store-location = ${q(o.store === 'spool' ? o.storeDir : join(o.storeDir, 'kannel.store'))}`]),
  ];
  const smscs = Array.from({ length: o.binds }, () => [
    'group = smsc',
    'smsc = smpp',
    'smsc-id = sim',
    'host = 127.0.0.1',
    `port = ${o.smscPort}`,
    'transceiver-mode = true',
    'smsc-username = "kannel"',
    'smsc-password = "secret"',
    'system-type = ""',
    'interface-version = 34',
    `max-pending-submits = ${o.window}`,
    'enquire-link-interval = 30',
    'source-addr-autodetect = true',
  ]);
  const smsbox = [
    'group = smsbox',
    'bearerbox-host = 127.0.0.1',
    `bearerbox-port = ${o.smsboxPort}`,
    `sendsms-port = ${o.sendsmsPort}`,
    'sendsms-interface = "127.0.0.1"',
    `log-file = ${q(join(o.logDir, 'smsbox.log'))}`,
    `log-level = ${o.logLevel}`,
  ];
  const user = ['group = sendsms-user', `username = ${o.username}`, `password = ${o.password}`, 'max-messages = 10', 'concatenation = true'];
  const pg = [
    'group = pgsql-connection',
    'id = dlr-db',
    `host = ${o.db.host}`,
    `port = ${o.db.port}`,
    `username = ${q(o.db.user)}`,
    `password = ${q(o.db.password)}`,
    `database = ${q(o.db.database)}`,
    `max-connections = ${o.db.connections}`,
  ];
  const dlrDb = [
    'group = dlr-db',
    'id = dlr-db',
    'table = dlr',
    'field-smsc = smsc',
    'field-timestamp = ts',
    'field-destination = destination',
    'field-source = source',
    'field-service = service',
    'field-url = url',
    'field-mask = mask',
    'field-status = status',
    'field-boxc-id = boxc',
  ];
  return [core, ...smscs, smsbox, user, ...(o.dlrStorage === 'pgsql' ? [pg, dlrDb] : [])].map((g) => g.join('\n')).join('\n\n') + '\n';
}

interface Box {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
}

export async function startKannel(o: KannelOptions): Promise<KannelStack> {
  mkdirSync(o.workDir, { recursive: true });
  mkdirSync(o.logDir, { recursive: true });
  const storeDir = join(o.workDir, 'kannel-store');
  mkdirSync(storeDir, { recursive: true });
  // Kannel's PostgreSQL DLR store needs its table; with DLRs in memory it touches no database.
  if (o.dlrStorage === 'pgsql') await o.db.sql.unsafe(KANNEL_DLR_TABLE);

  const adminPort = await freePort();
  const smsboxPort = await freePort();
  const sendsmsPort = await freePort();
  const dbUrl = new URL(o.db.url);
  const username = 'bench';
  const password = 'secret';
  const configPath = join(o.workDir, 'kannel.conf');
  writeFileSync(
    configPath,
    kannelConfig({
      adminPort,
      smsboxPort,
      sendsmsPort,
      smscPort: o.smscPort,
      binds: o.binds,
      window: o.window,
      store: o.store,
      dlrStorage: o.dlrStorage,
      storeDir,
      logDir: o.logDir,
      logLevel: o.logLevel,
      db: {
        host: dbUrl.hostname || '127.0.0.1',
        port: Number(dbUrl.port || 5432),
        user: decodeURIComponent(dbUrl.username || 'postgres'),
        password: decodeURIComponent(dbUrl.password),
        database: o.db.name,
        connections: o.dbConnections,
      },
      username,
      password,
    }),
  );

  const boxes: Box[] = [];
  const start = (name: string, bin: string): Box => {
    // -v: console verbosity. Kannel logs at debug level to stderr unless told otherwise, which would slow it down.
    const child = spawn(bin, ['-v', String(o.logLevel), configPath], { stdio: ['ignore', 'pipe', 'pipe'], cwd: o.workDir });
    killOnExit(child);
    logChildOutput(child, join(o.logDir, `${name}.console.log`));
    const box = { name, child, exited: new Promise<void>((r) => child.once('exit', () => r())) };
    boxes.push(box);
    return box;
  };
  const stop = async () => {
    for (const b of [...boxes].reverse()) {
      if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGTERM');
      await Promise.race([b.exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (b.child.exitCode === null && b.child.signalCode === null) {
        b.child.kill('SIGKILL');
        await b.exited;
      }
    }
  };

  try {
    const bearer = start('bearerbox', o.bin.bearerbox);
    const status = `http://127.0.0.1:${adminPort}/status.txt?password=bench`;
    await waitHttpOk(status, 30_000, bearer.child, `bearerbox (see ${join(o.logDir, 'bearerbox.log')})`);
    // Online means every SMPP session is bound.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const text = await (await fetch(status)).text();
      const online = (text.match(/\(online /g) ?? []).length;
      if (online >= o.binds) break;
      if (Date.now() > deadline) throw new Error(`Kannel's SMPP link did not come online:\n${text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const sms = start('smsbox', o.bin.smsbox);
    const sendsmsUrl = `http://127.0.0.1:${sendsmsPort}`;
    // smsbox answers sendsms once it is connected to bearerbox; a request without credentials gets 403.
    const smsDeadline = Date.now() + 30_000;
    for (;;) {
      if (sms.child.exitCode !== null) throw new Error(`smsbox exited (${sms.child.exitCode}); see ${join(o.logDir, 'smsbox.log')}`);
      try {
        await fetch(`${sendsmsUrl}/cgi-bin/sendsms`, { signal: AbortSignal.timeout(1000) });
        break;
      } catch {
        if (Date.now() > smsDeadline) throw new Error('smsbox did not open its sendsms port');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return {
      sendsmsUrl,
      username,
      password,
      pids: () => boxes.map((b) => b.child.pid ?? 0).filter((p) => p > 0),
      processes: boxes.map((b) => ({ name: b.name, pid: b.child.pid ?? 0 })),
      configPath,
      async pendingDlrRows() {
        if (o.dlrStorage === 'internal') return 0;
        const r = await o.db.sql`select count(*)::int as n from dlr`;
        return Number(r[0]?.n ?? 0);
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
