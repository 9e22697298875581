/** Command status table tests: classes, names, unknown codes. */
import { describe, expect, it } from 'vitest';
import { classifyStatus, CommandStatus, Status, statusName } from './command-status.js';

describe('command status table', () => {
  it('classifies the codes the connector acts on', () => {
    expect(classifyStatus(0)).toBe('ok');
    expect(classifyStatus(0x58)).toBe('throttle');
    expect(classifyStatus(0x14)).toBe('throttle');
    expect(classifyStatus(0x08)).toBe('retry');
    expect(classifyStatus(0x45)).toBe('retry');
    expect(classifyStatus(0x0b)).toBe('permanent');
    expect(classifyStatus(0x0a)).toBe('permanent');
    for (const c of [0x04, 0x0d, 0x0e, 0x0f]) expect(classifyStatus(c)).toBe('bind');
    expect(classifyStatus(0x64)).toBe('retry');
    expect(classifyStatus(0x65)).toBe('permanent');
    expect(classifyStatus(0x66)).toBe('permanent');
    expect(classifyStatus(0xfe)).toBe('retry');
    expect(classifyStatus(0xff)).toBe('retry');
  });

  it('treats unknown and vendor codes as retry', () => {
    expect(classifyStatus(0x400)).toBe('retry');
    expect(classifyStatus(0x09)).toBe('retry');
  });

  it('names codes, and prints the rest in hex', () => {
    expect(statusName(0x58)).toBe('ESME_RTHROTTLED');
    expect(statusName(0xc0)).toBe('ESME_RINVOPTPARSTREAM');
    expect(statusName(0x401)).toBe('0x00000401');
    expect(Status.ESME_RINVPASWD).toBe(0x0e);
  });

  it('has one entry per code', () => {
    const codes = Object.values(CommandStatus).map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
