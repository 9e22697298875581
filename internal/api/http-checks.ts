/** The HTTP-only checks of a request body (media type, declared size), worded once for every route and transport that makes them. */

/** application/json, or a structured +json type, with or without parameters. */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The problem detail for a body that is not declared JSON, or undefined when it is. */
export function notJsonDetail(type: string | undefined): string | undefined {
  if (type && JSON_TYPE.test(type)) return undefined;
  return `Content-Type must be application/json (got ${type ? `"${type}"` : 'none'}).`;
}

export const tooLargeDetail = (maxBytes: number): string => `The body exceeds ${maxBytes} bytes.`;
