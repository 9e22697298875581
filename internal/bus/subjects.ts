/** Every NATS subject and stream name of smsmesh, in one place. */
export const Streams = {
  mt: 'SMS_MT',
  events: 'SMS_EVENTS',
  mo: 'SMS_MO',
  dead: 'SMS_DEAD',
} as const;

export const Subjects = {
  mt: (carrier: string) => `sms.mt.${carrier}`,
  submitted: (carrier: string) => `sms.evt.submitted.${carrier}`,
  receipt: (carrier: string) => `sms.evt.receipt.${carrier}`,
  failed: (carrier: string) => `sms.evt.failed.${carrier}`,
  mo: (carrier: string) => `sms.mo.${carrier}`,
  /** Where a message that no consumer could process is kept, under its original subject. */
  dead: (original: string) => `sms.dead.${original}`,
  /** Core NATS request: every connector answers with the state of its binds (readiness, admin). */
  bindStatus: 'smsmesh.binds.status',
} as const;

export const Durables = {
  connector: (carrier: string) => `connector-${carrier}`,
  statusAccepted: 'status-accepted',
  statusWriter: 'status-writer',
  moWriter: 'mo-writer',
  statusDead: 'status-dead',
} as const;
