/**
 * The status writer's forward step: the changes of one committed batch go to SMS_CHANGES (sms.chg.status) for the
 * callback worker as one bus message (split only past 512 KB), carrying no message facts — the worker reads those
 * from the database it was just committed to. Only the changes some client can be called back about are sent.
 */
import { randomUUID } from 'node:crypto';
import { encodeChanges, type ForwardScope } from '../bus/codec-changes.js';
import type { Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import type { StatusEvent } from '../sms/events.js';

export function createChangeForwarder(o: { publisher: Publisher; scope: ForwardScope; deadlineMs?: number }): (events: StatusEvent[]) => Promise<void> {
  const deadlineMs = o.deadlineMs ?? 5000;
  return async function forward(events) {
    const chunks = encodeChanges(events, o.scope);
    await Promise.all(chunks.map((data) => o.publisher.publish(Subjects.changes, data, { msgID: `chg-${randomUUID()}`, deadlineMs })));
  };
}
