/**
 * The wire shape of an MT message on sms.mt.<carrier> (and sms.sched.<carrier>): the schema connectors decode with,
 * and the source of nats/mt-message.schema.json, the contract for services that publish to JetStream directly.
 * A message that breaks it is dead-lettered (`undecodable`) and, when its id can be read, recorded `failed`.
 */
import { z } from 'zod';

/** The patterns of the schema, shared with its hand-written twin (mt-check.ts) so the two cannot drift apart. */
export const MT_PATTERNS = {
  id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  clientRef: /^[\x21-\x7e]{1,64}$/,
  carrier: /^[a-z0-9_-]+$/,
  to: /^\+[1-9][0-9]{6,14}$/,
  callbackUrl: /^https?:\/\/[^\s]+$/,
} as const;

export const mtMessageSchema = z
  .strictObject({
    id: z.string().regex(MT_PATTERNS.id).meta({ description: 'Message id, a lower-case UUID (v7 recommended). Publish with the same value as the Nats-Msg-Id header, so a retried publish is stored once.' }),
    clientId: z.string().min(1).max(64).meta({ description: 'The client the message belongs to (a configured clients[].id to see it through the API).' }),
    clientRef: z.string().regex(MT_PATTERNS.clientRef).optional().meta({ description: 'The client\'s own reference.' }),
    carrier: z.string().regex(MT_PATTERNS.carrier).max(64).meta({ description: 'Must equal the <carrier> of the subject it is published to.' }),
    to: z.string().regex(MT_PATTERNS.to).meta({ description: 'Destination, E.164.' }),
    from: z.string().min(1).max(16).meta({ description: 'Sender: alphanumeric (≤ 11) or a number.' }),
    text: z.string().min(1).meta({ description: 'The text; for encoding "binary", the payload as hex.' }),
    encoding: z.enum(['gsm7', 'ucs2', 'latin1', 'binary']).meta({ description: 'How it goes on the air (never "auto" here: the publisher decides).' }),
    segments: z.int().min(1).max(255).meta({ description: 'Segments the content takes with the carrier\'s concatenation (as the edge counts them).' }),
    acceptedAt: z.number().meta({ description: 'Epoch milliseconds.' }),
    sendAt: z.number().optional().meta({ description: 'Epoch milliseconds; publish to sms.sched.<carrier> to have it held until then.' }),
    validUntil: z.number().optional().meta({ description: 'Epoch milliseconds: never submitted at or after it (final "expired"); the rest goes to the SMSC as validity_period.' }),
    callbackUrl: z.string().regex(MT_PATTERNS.callbackUrl).max(2000).optional().meta({ description: 'Where this message\'s status callbacks are POSTed, instead of its client\'s callbackUrl.' }),
  })
  .meta({ title: 'smsmesh MT message', description: 'Body of a message published to sms.mt.<carrier> or sms.sched.<carrier> (JSON, UTF-8).' });

/** The JSON Schema (2020-12) written to nats/mt-message.schema.json. */
export function mtMessageJsonSchema(): Record<string, unknown> {
  return { $id: 'urn:smsmesh:schema:mt-message:1', ...z.toJSONSchema(mtMessageSchema, { target: 'draft-2020-12' }) } as Record<string, unknown>;
}
