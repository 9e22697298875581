/** SMPP 3.4 command_id values (§5.1.2.1) and the request ↔ response relation between them. */

export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof CommandId;
export type CommandIdValue = (typeof CommandId)[CommandName];

/** Bit 31 marks a response (§5.1.2.1); generic_nack is a response too. */
export const RESPONSE_BIT = 0x80000000;

export function isResponseId(commandId: number): boolean {
  return commandId >= RESPONSE_BIT;
}

const NAME_BY_ID = new Map<number, CommandName>(
  (Object.entries(CommandId) as Array<[CommandName, number]>).map(([name, id]) => [id, name]),
);

export function commandName(commandId: number): CommandName | undefined {
  return NAME_BY_ID.get(commandId);
}

/**
 * The response command_id the peer expects for a request command_id, or generic_nack when the
 * request has no response of its own (outbind, alert_notification) or is not an SMPP 3.4 command.
 */
export function responseIdFor(requestId: number): number {
  if (isResponseId(requestId)) return CommandId.generic_nack;
  const respId = (requestId | RESPONSE_BIT) >>> 0;
  return NAME_BY_ID.has(respId) ? respId : CommandId.generic_nack;
}
