/** SMPP 3.4 command_status codes (§5.1.3) with how a sender should react to each. */

/**
 * - ok: accepted.
 * - retry: the same PDU may succeed later (SMSC or link trouble).
 * - throttle: retry, but slow down first: the peer asked us to.
 * - permanent: the PDU itself is wrong for this peer; sending it again gives the same answer.
 * - bind: a problem with the session (credentials, bind state), not with the message.
 */
export type StatusClass = 'ok' | 'retry' | 'throttle' | 'permanent' | 'bind';

export const CommandStatus = {
  ESME_ROK: { code: 0x00, class: 'ok' },
  ESME_RINVMSGLEN: { code: 0x01, class: 'permanent' },
  ESME_RINVCMDLEN: { code: 0x02, class: 'permanent' },
  ESME_RINVCMDID: { code: 0x03, class: 'permanent' },
  ESME_RINVBNDSTS: { code: 0x04, class: 'bind' },
  ESME_RALYBND: { code: 0x05, class: 'bind' },
  ESME_RINVPRTFLG: { code: 0x06, class: 'permanent' },
  ESME_RINVREGDLVFLG: { code: 0x07, class: 'permanent' },
  ESME_RSYSERR: { code: 0x08, class: 'retry' },
  ESME_RINVSRCADR: { code: 0x0a, class: 'permanent' },
  ESME_RINVDSTADR: { code: 0x0b, class: 'permanent' },
  ESME_RINVMSGID: { code: 0x0c, class: 'permanent' },
  ESME_RBINDFAIL: { code: 0x0d, class: 'bind' },
  ESME_RINVPASWD: { code: 0x0e, class: 'bind' },
  ESME_RINVSYSID: { code: 0x0f, class: 'bind' },
  ESME_RCANCELFAIL: { code: 0x11, class: 'permanent' },
  ESME_RREPLACEFAIL: { code: 0x13, class: 'permanent' },
  ESME_RMSGQFUL: { code: 0x14, class: 'throttle' },
  ESME_RINVSERTYP: { code: 0x15, class: 'permanent' },
  ESME_RINVNUMDESTS: { code: 0x33, class: 'permanent' },
  ESME_RINVDLNAME: { code: 0x34, class: 'permanent' },
  ESME_RINVDESTFLAG: { code: 0x40, class: 'permanent' },
  ESME_RINVSUBREP: { code: 0x42, class: 'permanent' },
  ESME_RINVESMCLASS: { code: 0x43, class: 'permanent' },
  ESME_RCNTSUBDL: { code: 0x44, class: 'permanent' },
  ESME_RSUBMITFAIL: { code: 0x45, class: 'retry' },
  ESME_RINVSRCTON: { code: 0x48, class: 'permanent' },
  ESME_RINVSRCNPI: { code: 0x49, class: 'permanent' },
  ESME_RINVDSTTON: { code: 0x50, class: 'permanent' },
  ESME_RINVDSTNPI: { code: 0x51, class: 'permanent' },
  ESME_RINVSYSTYP: { code: 0x53, class: 'bind' },
  ESME_RINVREPFLAG: { code: 0x54, class: 'permanent' },
  ESME_RINVNUMMSGS: { code: 0x55, class: 'permanent' },
  ESME_RTHROTTLED: { code: 0x58, class: 'throttle' },
  ESME_RINVSCHED: { code: 0x61, class: 'permanent' },
  ESME_RINVEXPIRY: { code: 0x62, class: 'permanent' },
  ESME_RINVDFTMSGID: { code: 0x63, class: 'permanent' },
  ESME_RX_T_APPN: { code: 0x64, class: 'retry' },
  ESME_RX_P_APPN: { code: 0x65, class: 'permanent' },
  ESME_RX_R_APPN: { code: 0x66, class: 'permanent' },
  ESME_RQUERYFAIL: { code: 0x67, class: 'retry' },
  ESME_RINVOPTPARSTREAM: { code: 0xc0, class: 'permanent' },
  ESME_ROPTPARNOTALLWD: { code: 0xc1, class: 'permanent' },
  ESME_RINVPARLEN: { code: 0xc2, class: 'permanent' },
  ESME_RMISSINGOPTPARAM: { code: 0xc3, class: 'permanent' },
  ESME_RINVOPTPARAMVAL: { code: 0xc4, class: 'permanent' },
  ESME_RDELIVERYFAILURE: { code: 0xfe, class: 'retry' },
  ESME_RUNKNOWNERR: { code: 0xff, class: 'retry' },
} as const satisfies Record<string, { code: number; class: StatusClass }>;

export type StatusName = keyof typeof CommandStatus;

/** Codes by name, for writing `Status.ESME_RTHROTTLED` where a number is wanted. */
export const Status = Object.fromEntries(
  Object.entries(CommandStatus).map(([name, s]) => [name, s.code]),
) as { readonly [K in StatusName]: (typeof CommandStatus)[K]['code'] };

const BY_CODE = new Map<number, { name: StatusName; class: StatusClass }>(
  (Object.entries(CommandStatus) as Array<[StatusName, { code: number; class: StatusClass }]>).map(
    ([name, s]) => [s.code, { name, class: s.class }],
  ),
);

/**
 * Unknown codes (SMPP extensions 0x100–0x3FF, SMSC vendor codes 0x400–0x4FF, anything else) are
 * 'retry': vendors use them mostly for transient routing and charging trouble, and a wrong 'retry'
 * costs a few bounded attempts while a wrong 'permanent' loses a message for good.
 */
export function classifyStatus(code: number): StatusClass {
  return BY_CODE.get(code)?.class ?? 'retry';
}

/** The spec name, or `0x0000xxxx` for codes the spec does not name. */
export function statusName(code: number): string {
  return BY_CODE.get(code)?.name ?? `0x${(code >>> 0).toString(16).padStart(8, '0')}`;
}
