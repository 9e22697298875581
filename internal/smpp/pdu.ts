/** The PDU codec's public surface: types, encodePdu/decodePdu, and defaults for the long field lists. */
import type { DataSmFields, ShortMessageFields } from './pdu-types.js';

export * from './pdu-types.js';
export { encodePdu } from './pdu-encode.js';
export { decodePdu } from './pdu-decode.js';
export { CommandId, commandName, isResponseId, responseIdFor, type CommandName } from './command-id.js';
export { Tlv, type TlvMap, tlvU8, tlvU16, tlvU32, tlvCString, u8Value, u16Value, u32Value, cStringValue } from './tlv.js';
export { MAX_SHORT_MESSAGE, HEADER_LENGTH } from './pdu-fields.js';

/** SMPP 3.4, the only interface_version we speak (the npm `smpp` package defaults to 0x50). */
export const INTERFACE_VERSION_34 = 0x34;

/** Every submit_sm/deliver_sm field at its "not set" value. */
export const SM_DEFAULTS: Omit<ShortMessageFields, 'destinationAddr' | 'shortMessage'> = {
  serviceType: '',
  sourceAddrTon: 0,
  sourceAddrNpi: 0,
  sourceAddr: '',
  destAddrTon: 0,
  destAddrNpi: 0,
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
};

export function shortMessageFields(
  fields: Pick<ShortMessageFields, 'destinationAddr' | 'shortMessage'> & Partial<ShortMessageFields>,
): ShortMessageFields {
  return { ...SM_DEFAULTS, ...fields };
}

export const DATA_SM_DEFAULTS: Omit<DataSmFields, 'destinationAddr'> = {
  serviceType: '',
  sourceAddrTon: 0,
  sourceAddrNpi: 0,
  sourceAddr: '',
  destAddrTon: 0,
  destAddrNpi: 0,
  esmClass: 0,
  registeredDelivery: 0,
  dataCoding: 0,
};

export function dataSmFields(fields: Pick<DataSmFields, 'destinationAddr'> & Partial<DataSmFields>): DataSmFields {
  return { ...DATA_SM_DEFAULTS, ...fields };
}
