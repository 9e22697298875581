/** Picks the carrier for a destination by longest matching prefix. Pure; built once at start-up. */
export interface Route {
  prefix: string;
  carrier: string;
}

export interface RouteTable {
  /** The carrier for an E.164 number ("+4477…"), or undefined when no prefix matches. */
  lookup(to: string): string | undefined;
  readonly routes: readonly Route[];
}

export function createRouteTable(routes: readonly Route[]): RouteTable {
  const byPrefix = new Map<string, string>();
  for (const r of routes) byPrefix.set(r.prefix, r.carrier);
  // Only the lengths that exist are tried, longest first: a handful of Map lookups per message.
  const lengths = [...new Set(routes.map((r) => r.prefix.length))].sort((a, b) => b - a);
  return {
    routes: Object.freeze([...routes]),
    lookup(to: string): string | undefined {
      for (const len of lengths) {
        if (len > to.length) continue;
        const c = byPrefix.get(len === to.length ? to : to.slice(0, len));
        if (c !== undefined) return c;
      }
      return undefined;
    },
  };
}

export function routesFromCarriers(carriers: readonly { id: string; prefixes: readonly string[] }[]): Route[] {
  return carriers.flatMap((c) => c.prefixes.map((prefix) => ({ prefix, carrier: c.id })));
}
