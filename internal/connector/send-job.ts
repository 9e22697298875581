/** A message taken from JetStream while its segments are sent, and one segment of it in the send queue. */
import type { Delivery } from '../bus/delivery.js';
import type { PduInit, SubmitSmPdu } from '../smpp/pdu-types.js';
import type { MtMessage } from '../sms/message.js';
import type { SegmentOutcome } from './outcome.js';

export interface Job {
  delivery: Delivery<MtMessage>;
  mt: MtMessage;
  pdus: PduInit<SubmitSmPdu>[];
  outcomes: (SegmentOutcome | undefined)[];
  left: number;
}

export interface Segment {
  job: Job;
  index: number;
  /** Which send this was (1, 2, …; 0 = not sent yet): tells a throttle answer to an old send from a new one. */
  sentNo: number;
}
