/**
 * Counts each client's refused messages by reason (the problem type), from what send and batch answer, so both doors
 * are counted alike. Accepted messages are counted where they are stored (ingest/accept-message.ts `onAccepted`),
 * which alone knows an idempotent replay from a new message.
 */
import type { FrontDoor } from './front-door.js';
import { ProblemTypes, type ProblemType } from './problems.js';

const PREFIX = 'urn:smsmesh:problem:';

/** The problem type of a batch item's answer, or undefined for an accepted item. */
function problemOf(item: unknown): ProblemType | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const type = (item as { type?: unknown }).type;
  if (typeof type !== 'string' || !type.startsWith(PREFIX)) return undefined;
  const name = type.slice(PREFIX.length);
  return Object.hasOwn(ProblemTypes, name) ? (name as ProblemType) : undefined;
}

export function countRejections(door: FrontDoor, onRejected: (clientId: string, reason: ProblemType) => void): FrontDoor {
  return {
    ...door,
    async send(client, r) {
      const reply = await door.send(client, r);
      if (reply.problem) onRejected(client.id, reply.problem);
      return reply;
    },
    async batch(client, r) {
      const reply = await door.batch(client, r);
      if (reply.problem) {
        onRejected(client.id, reply.problem);
      } else {
        const results = (reply.body as { results?: unknown }).results;
        if (Array.isArray(results)) {
          for (const item of results) {
            const p = problemOf(item);
            if (p) onRejected(client.id, p);
          }
        }
      }
      return reply;
    },
  };
}
