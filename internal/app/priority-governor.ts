/**
 * SMSMESH_NICE lowers a background role's CPU priority so that an edge sharing its cores answers first. That is the
 * right trade while the role keeps up and the wrong one once it falls behind: in overload a connector or status
 * writer at nice 10 starves, and the queue the edge fills grows without bound. The governor watches how much work
 * waits for this process's consumers (messages for a connector, events for a status writer) and puts the process
 * back to the priority it started with once SMSMESH_NICE_BACKLOG wait, and lowers it again once the queue has
 * stayed short for a while.
 *
 * Where the priority is set is cpu-priority.ts's choice. A session's autogroup may always go back to 0 or more; a
 * process's own nice value needs the right to raise a priority (root, CAP_SYS_NICE, or an RLIMIT_NICE that allows
 * it, such as systemd's LimitNICE=). Without it the process says so once and stays niced.
 */
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';
import { errnoOf } from './cpu-priority.js';

export type PriorityLevel = 'background' | 'normal';

export interface PriorityPlan {
  /** Work waiting at which the process goes back to normal priority. */
  behindAt: number;
  /** How long the queue stays under a tenth of `behindAt` before the process is niced again. */
  calmMs: number;
}

export interface PriorityState {
  level: PriorityLevel;
  /** When the queue last went under the calm mark while at normal priority. */
  calmSince: number | undefined;
}

export const BACKGROUND: PriorityState = { level: 'background', calmSince: undefined };

/** The level after one reading. Hysteresis: up at `behindAt`, down only after `calmMs` under a tenth of it. */
export function nextPriority(state: PriorityState, waiting: number, now: number, plan: PriorityPlan): PriorityState {
  if (state.level === 'background') return waiting >= plan.behindAt ? { level: 'normal', calmSince: undefined } : state;
  if (waiting * 10 >= plan.behindAt) return state.calmSince === undefined ? state : { level: 'normal', calmSince: undefined };
  const calmSince = state.calmSince ?? now;
  return now - calmSince >= plan.calmMs ? BACKGROUND : { level: 'normal', calmSince };
}

export interface GovernorOptions {
  plan: PriorityPlan;
  /** The niceness of each level. */
  nice: Record<PriorityLevel, number>;
  /** Work waiting for this process's consumers (consumer-backlog.ts). */
  waiting(): number;
  setPriority(nice: number): void;
  log: Logger;
  everyMs?: number;
}

export interface PriorityGovernor {
  level(): PriorityLevel;
  stop(): void;
}

/** Starts at the background level, which the caller has already set. */
export function startPriorityGovernor(o: GovernorOptions): PriorityGovernor {
  let state = BACKGROUND;
  const tick = () => {
    const waiting = o.waiting();
    const next = nextPriority(state, waiting, Date.now(), o.plan);
    if (next.level !== state.level) {
      try {
        o.setPriority(o.nice[next.level]);
      } catch (err) {
        // An unprivileged process may change its autogroup once per 100 ms: the next tick tries again.
        if (errnoOf(err) === 'EAGAIN') return;
        o.log.warn(
          { nice: o.nice[state.level], wanted: o.nice[next.level], waiting, err: errorMessage(err) },
          'could not change CPU priority; staying at this one from now on (raising a process\'s own priority needs root, CAP_SYS_NICE or an RLIMIT_NICE that allows it, e.g. systemd LimitNICE=; SMSMESH_NICE_BACKLOG=0 turns this off)',
        );
        clearInterval(timer);
        return;
      }
      o.log.info(
        { nice: o.nice[next.level], waiting },
        next.level === 'normal' ? 'falling behind: back to normal CPU priority' : 'caught up: background CPU priority again',
      );
    }
    state = next;
  };
  const timer = setInterval(tick, o.everyMs ?? 1000);
  timer.unref();
  return {
    level: () => state.level,
    stop: () => clearInterval(timer),
  };
}
