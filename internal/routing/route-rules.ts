/**
 * The ordered route table of the config (`routes:`): the first rule whose match fits a message picks its carrier —
 * one carrier, the first usable of a failover list, or a weighted draw among the usable ones; a message no rule
 * matches falls back to the carriers' longest prefix (route-table.ts). Pure: time, carrier health and randomness are
 * passed in.
 */
import type { Clock } from '../core/clock.js';
import type { RouteTable } from './route-table.js';
import { compileSenderPatterns } from './sender-pattern.js';

export interface RouteRule {
  match: { prefix?: string | undefined; client?: string | undefined; sender?: string | undefined; hours?: string | undefined };
  carrier?: string | undefined;
  failover?: readonly string[] | undefined;
  weighted?: Readonly<Record<string, number>> | undefined;
}

export interface RouteQuery {
  to: string;
  clientId: string;
  from: string;
}

/** Where a message goes; `lookup(to)` alone is the longest-prefix table (RouteTable's contract). */
export interface Router {
  lookup(to: string, clientId?: string, from?: string): string | undefined;
}

export interface RoutePlanDeps {
  rules: readonly RouteRule[];
  fallback: RouteTable;
  /** Epoch milliseconds (the hours of a rule are UTC). */
  clock: Pick<Clock, 'now'>;
  /** Whether a carrier takes new traffic (routing/carrier-health.ts); every carrier does when absent. */
  usable?: (carrier: string) => boolean;
  /** [0, 1); Math.random by default. */
  random?: () => number;
}

type Choose = (usable: (c: string) => boolean, random: () => number) => string;

interface CompiledRule {
  matches(q: RouteQuery, minuteOfDay: number): boolean;
  pick: Choose;
}

/** "08:00-20:00" → [480, 1200); an end before the start wraps over midnight. */
export function parseHours(hours: string): { from: number; to: number } {
  const [a, b] = hours.split('-') as [string, string];
  const min = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  return { from: min(a), to: min(b) };
}

export function inHours(window: { from: number; to: number }, minuteOfDay: number): boolean {
  return window.from <= window.to ? minuteOfDay >= window.from && minuteOfDay < window.to : minuteOfDay >= window.from || minuteOfDay < window.to;
}

/** Among the usable carriers by weight; when none is usable, among all (the message queues for whichever comes back). */
export function pickWeighted(weights: readonly (readonly [string, number])[], usable: (c: string) => boolean, random: () => number): string {
  const live = weights.filter(([c, w]) => w > 0 && usable(c));
  const pool = live.length > 0 ? live : weights.filter(([, w]) => w > 0);
  const total = pool.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [c, w] of pool) {
    if (r < w) return c;
    r -= w;
  }
  return pool[pool.length - 1]![0];
}

function compileAction(r: RouteRule): Choose {
  if (r.carrier !== undefined) {
    const c = r.carrier;
    return () => c;
  }
  if (r.failover !== undefined) {
    const list = [...r.failover];
    // None usable: the first keeps the traffic, queued in JetStream until it is back.
    return (usable) => list.find(usable) ?? list[0]!;
  }
  const weights = Object.entries(r.weighted ?? {});
  return (usable, random) => pickWeighted(weights, usable, random);
}

function compileRule(r: RouteRule): CompiledRule {
  const { prefix, client, sender, hours } = r.match;
  const senderOk = sender !== undefined ? compileSenderPatterns([sender]) : undefined;
  const window = hours !== undefined ? parseHours(hours) : undefined;
  return {
    matches: (q, minute) =>
      (prefix === undefined || q.to.startsWith(prefix)) &&
      (client === undefined || q.clientId === client) &&
      (senderOk === undefined || senderOk(q.from)) &&
      (window === undefined || inHours(window, minute)),
    pick: compileAction(r),
  };
}

const DAY_MS = 86_400_000;

export function createRoutePlan(deps: RoutePlanDeps): Router {
  const rules = deps.rules.map(compileRule);
  const usable = deps.usable ?? (() => true);
  const random = deps.random ?? Math.random;
  return {
    lookup(to, clientId = '', from = '') {
      if (rules.length > 0) {
        const q = { to, clientId, from };
        const minute = Math.floor((((deps.clock.now() % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
        for (const r of rules) if (r.matches(q, minute)) return r.pick(usable, random);
      }
      return deps.fallback.lookup(to);
    },
  };
}
