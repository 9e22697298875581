/**
 * The arithmetic of `make bench-hops`: each hop measured alone at its floor (CPU seconds over a number of units, on
 * the gateway's side and on the server's), and what one message of the design costs when every hop is at its floor.
 */

export interface HopCost {
  hop: string;
  /** What one unit is (a request, a message, an event, a row). */
  unit: string;
  units: number;
  /** CPU seconds the gateway's side used (the client of NATS, PostgreSQL and the SMSC; the server of HTTP). */
  gatewayS: number;
  /** CPU seconds of the other side, and which process that is. */
  serverS: number;
  server: 'nats-server' | 'postgres' | 'smsc-sim' | 'none';
}

/** How many units of a hop one message of the design takes. */
export interface HopUse {
  hop: string;
  perMessage: number;
}

export interface FloorLine {
  hop: string;
  perMessage: number;
  /** CPU seconds per 1,000 messages. */
  gateway: number;
  server: number;
  serverName: HopCost['server'];
}

export interface DesignFloor {
  lines: FloorLine[];
  /** Per 1,000 messages: the gateway's processes; the stack as make bench counts it (gateway, nats-server, PostgreSQL; not the SMSC). */
  gateway: number;
  stack: number;
}

export function per1k(seconds: number, units: number): number {
  return units > 0 ? (seconds / units) * 1000 : 0;
}

export function designFloor(costs: readonly HopCost[], uses: readonly HopUse[]): DesignFloor {
  const lines = uses.map((u): FloorLine => {
    const c = costs.find((x) => x.hop === u.hop);
    if (!c) throw new Error(`no measurement of hop ${u.hop}`);
    return { hop: u.hop, perMessage: u.perMessage, gateway: per1k(c.gatewayS, c.units) * u.perMessage, server: per1k(c.serverS, c.units) * u.perMessage, serverName: c.server };
  });
  const gateway = lines.reduce((s, l) => s + l.gateway, 0);
  const stack = gateway + lines.reduce((s, l) => s + (l.serverName === 'smsc-sim' || l.serverName === 'none' ? 0 : l.server), 0);
  return { lines, gateway, stack };
}

/**
 * One single-message HTTP send with an Idempotency-Key, as this release carries it: the request and its answer; two
 * JetStream stores (the claim, the message); one delivery to a connector and its ack; the submit and its receipt;
 * three status events (accepted, submitted, receipt), published and consumed in batches; one row written.
 */
export const DESIGN_USES: readonly HopUse[] = [
  { hop: 'http', perMessage: 1 },
  { hop: 'js-store', perMessage: 2 },
  { hop: 'js-consume', perMessage: 1 },
  { hop: 'smpp', perMessage: 1 },
  { hop: 'events', perMessage: 3 },
  { hop: 'postgres', perMessage: 1 },
];
