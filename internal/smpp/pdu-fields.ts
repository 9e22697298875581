/** Size limits of the mandatory C-Octet String fields (§4) and the status that reports each one broken. */
import { Status } from './command-status.js';

/**
 * `max` counts the terminating NUL, as the spec's "Var. max N" does. `status` is what a field that
 * breaks its limit is answered with; the spec has a specific code for most fields, and for the rest
 * we use the nearest: address_range belongs to the bind, so ESME_RBINDFAIL.
 */
export const CStringField = {
  systemId: { wire: 'system_id', max: 16, status: Status.ESME_RINVSYSID },
  password: { wire: 'password', max: 9, status: Status.ESME_RINVPASWD },
  systemType: { wire: 'system_type', max: 13, status: Status.ESME_RINVSYSTYP },
  addressRange: { wire: 'address_range', max: 41, status: Status.ESME_RBINDFAIL },
  serviceType: { wire: 'service_type', max: 6, status: Status.ESME_RINVSERTYP },
  sourceAddr: { wire: 'source_addr', max: 21, status: Status.ESME_RINVSRCADR },
  destinationAddr: { wire: 'destination_addr', max: 21, status: Status.ESME_RINVDSTADR },
  /** data_sm allows longer addresses than submit_sm (§4.7.1). */
  dataSmSourceAddr: { wire: 'source_addr', max: 65, status: Status.ESME_RINVSRCADR },
  dataSmDestinationAddr: { wire: 'destination_addr', max: 65, status: Status.ESME_RINVDSTADR },
  messageId: { wire: 'message_id', max: 65, status: Status.ESME_RINVMSGID },
} as const;

export type CStringFieldSpec = (typeof CStringField)[keyof typeof CStringField];

/** schedule_delivery_time and validity_period are either empty or exactly 16 characters (§7.1.1). */
export const TimeField = {
  scheduleDeliveryTime: { wire: 'schedule_delivery_time', status: Status.ESME_RINVSCHED },
  validityPeriod: { wire: 'validity_period', status: Status.ESME_RINVEXPIRY },
} as const;

export type TimeFieldSpec = (typeof TimeField)[keyof typeof TimeField];

export const TIME_LENGTH = 16;

/** short_message octets; longer texts go in the message_payload TLV (§5.2.21). */
export const MAX_SHORT_MESSAGE = 254;

export const HEADER_LENGTH = 16;
