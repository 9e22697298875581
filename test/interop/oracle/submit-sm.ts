/**
 * The interop oracle's reading of a submit_sm body, written from SMPP 3.4 §4.4.1 (mandatory fields in order)
 * and §5.3 (TLVs: 16-bit tag, 16-bit length, value). Strict: a field past its size limit, a TLV running past the
 * body or a repeated TLV is an error, since the body under judgement came from the gateway. Shares nothing
 * with internal/smpp.
 */

export const TAG = {
  sarMsgRefNum: 0x020c,
  sarTotalSegments: 0x020e,
  sarSegmentSeqnum: 0x020f,
  messagePayload: 0x0424,
} as const;

export interface SubmitSm {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
  tlvs: Map<number, Buffer>;
}

class Reader {
  private at = 0;
  constructor(private readonly body: Buffer) {}

  octet(field: string): number {
    if (this.at >= this.body.length) throw new Error(`oracle: body ends before ${field}`);
    return this.body[this.at++]!;
  }

  /** A C-Octet String of at most `max` octets including its NUL (the spec's "Var. max"). */
  cstring(field: string, max: number): string {
    const end = this.body.indexOf(0, this.at);
    if (end < 0) throw new Error(`oracle: ${field} has no terminating NUL`);
    if (end - this.at + 1 > max) throw new Error(`oracle: ${field} is ${end - this.at + 1} octets, more than ${max}`);
    const s = this.body.toString('latin1', this.at, end);
    this.at = end + 1;
    return s;
  }

  octets(field: string, n: number): Buffer {
    if (this.at + n > this.body.length) throw new Error(`oracle: ${field} runs past the body`);
    const b = this.body.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  get remaining(): number {
    return this.body.length - this.at;
  }
}

export function parseSubmitSmBody(body: Buffer): SubmitSm {
  const r = new Reader(body);
  const serviceType = r.cstring('service_type', 6);
  const sourceAddrTon = r.octet('source_addr_ton');
  const sourceAddrNpi = r.octet('source_addr_npi');
  const sourceAddr = r.cstring('source_addr', 21);
  const destAddrTon = r.octet('dest_addr_ton');
  const destAddrNpi = r.octet('dest_addr_npi');
  const destinationAddr = r.cstring('destination_addr', 21);
  const esmClass = r.octet('esm_class');
  const protocolId = r.octet('protocol_id');
  const priorityFlag = r.octet('priority_flag');
  const scheduleDeliveryTime = r.cstring('schedule_delivery_time', 17);
  const validityPeriod = r.cstring('validity_period', 17);
  const registeredDelivery = r.octet('registered_delivery');
  const replaceIfPresentFlag = r.octet('replace_if_present_flag');
  const dataCoding = r.octet('data_coding');
  const smDefaultMsgId = r.octet('sm_default_msg_id');
  const smLength = r.octet('sm_length');
  if (smLength > 254) throw new Error(`oracle: sm_length ${smLength} is over the 254 the spec allows`);
  const shortMessage = Buffer.from(r.octets('short_message', smLength));
  const tlvs = new Map<number, Buffer>();
  while (r.remaining > 0) {
    const head = r.octets('TLV header', 4);
    const tag = head.readUInt16BE(0);
    const value = Buffer.from(r.octets(`TLV 0x${tag.toString(16)}`, head.readUInt16BE(2)));
    if (tlvs.has(tag)) throw new Error(`oracle: TLV 0x${tag.toString(16)} appears twice`);
    tlvs.set(tag, value);
  }
  return {
    serviceType,
    sourceAddrTon,
    sourceAddrNpi,
    sourceAddr,
    destAddrTon,
    destAddrNpi,
    destinationAddr,
    esmClass,
    protocolId,
    priorityFlag,
    scheduleDeliveryTime,
    validityPeriod,
    registeredDelivery,
    replaceIfPresentFlag,
    dataCoding,
    smDefaultMsgId,
    shortMessage,
    tlvs,
  };
}
