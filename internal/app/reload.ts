/**
 * Config reload without a restart (SIGHUP): the file is read and validated exactly as at start; an invalid file, or
 * one a role cannot apply, is refused with every reason logged and the running config kept. What a role applies it
 * says (the edge: clients, limits, routes; the callback worker: webhook secrets); everything else in the file waits
 * for the next restart.
 */
import { ConfigError, readConfigFile } from '../config/load.js';
import type { SecretKind } from '../config/secret-files.js';
import type { FileConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';

export type ReloadResult = { ok: true; applied: string[] } | { ok: false; problems: string[] };

export interface Reloadable {
  reload?(file: FileConfig): ReloadResult;
}

/**
 * Reads `path` and hands it to every role that reloads; a role checks before it changes anything, so a refusal leaves
 * it as it was. (Only the edge can refuse, and it is asked first, so no role can have applied what another refused.)
 */
export function reloadConfig(path: string, secrets: Iterable<SecretKind>, roles: readonly Reloadable[], log: Logger): ReloadResult {
  let file: FileConfig;
  try {
    file = readConfigFile(path, secrets);
  } catch (err) {
    const problems = err instanceof ConfigError && err.problems.length > 0 ? err.problems : [errorMessage(err)];
    log.error({ configPath: path, problems }, 'config reload refused: the file is invalid; the running config is kept');
    return { ok: false, problems };
  }
  const applied = new Set<string>();
  for (const r of roles) {
    if (!r.reload) continue;
    const res = r.reload(file);
    if (!res.ok) {
      log.error({ configPath: path, problems: res.problems }, 'config reload refused; the running config is kept');
      return res;
    }
    for (const a of res.applied) applied.add(a);
  }
  log.info({ configPath: path, applied: [...applied] }, applied.size > 0 ? 'config reloaded' : 'config reloaded: nothing in this process applies it');
  return { ok: true, applied: [...applied] };
}
