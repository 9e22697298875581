/**
 * Each carrier's backlog: the messages in SMS_MT under sms.mt.<carrier>. The stream keeps a message until its
 * carrier's connector acked it (interest retention, one consumer per carrier), so this counts exactly what the
 * carrier still owes — queued, in a bind's window, or handed back. Consumer counts are no substitute: a message
 * redelivered is counted in num_ack_pending once per delivery.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import { Streams, Subjects } from '../bus/subjects.js';

export async function carrierBacklogs(jsm: JetStreamManager): Promise<(carrier: string) => number> {
  const info = await jsm.streams.info(Streams.mt, { subjects_filter: Subjects.mt('*') });
  const bySubject = info.state.subjects ?? {};
  return (carrier) => bySubject[Subjects.mt(carrier)] ?? 0;
}
