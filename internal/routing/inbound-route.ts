/**
 * Which client an inbound (MO) message belongs to: config routes by the number it was sent to (exact or prefix) and an
 * optional first word, tried in order — the first match wins — then the default client, if any. Pure.
 */

export interface InboundRoute {
  /** A number or a prefix of one, compared with the MO's destination as received. */
  to: string;
  /** The MO's first word must be this (case-insensitive). */
  keyword?: string | undefined;
  client: string;
}

export interface InboundRouting {
  routes: readonly InboundRoute[];
  defaultClient?: string | undefined;
}

/** The first word of a text, upper-cased, without trailing punctuation ("Stop." → "STOP"). */
export function firstWord(text: string): string {
  const w = text.trim().split(/\s+/, 1)[0] ?? '';
  return w.replace(/[.,;:!?]+$/u, '').toUpperCase();
}

export function createInboundRouter(r: InboundRouting): (mo: { to: string; text: string }) => string | undefined {
  const routes = r.routes.map((x) => ({ ...x, keyword: x.keyword?.toUpperCase() }));
  return function routeInbound(mo) {
    let word: string | undefined;
    for (const x of routes) {
      if (!mo.to.startsWith(x.to)) continue;
      if (x.keyword !== undefined && x.keyword !== (word ??= firstWord(mo.text))) continue;
      return x.client;
    }
    return r.defaultClient;
  };
}
