/** Flag parsing and message id tests for the simulator command. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM_PORT, parseSimulatorArgs } from './cli-args.js';
import { createMessageIdGenerator } from './message-id.js';

describe('smsc-sim flags', () => {
  it('defaults', () => {
    expect(parseSimulatorArgs([])).toEqual({
      kind: 'run',
      options: expect.objectContaining({ host: '0.0.0.0', port: DEFAULT_SIM_PORT, receipts: true }),
    });
  });

  it('parses every flag', () => {
    const r = parseSimulatorArgs([
      '--host', '127.0.0.1', '--port', '0', '--system-id', 'esme', '--password', 'pw', '--receipt-delay-ms', '250',
      '--no-receipts', '--receipt-stat', 'UNDELIV', '--throttle-share', '0.1', '--reject-share', '0.2', '--max-tps', '500',
      '--message-id-format', 'decimal', '--window-size', '64',
    ]);
    expect(r).toEqual({
      kind: 'run',
      options: {
        host: '127.0.0.1', port: 0, systemId: 'esme', password: 'pw', receiptDelayMs: 250, receipts: false,
        receiptStat: 'UNDELIV', throttleShare: 0.1, rejectShare: 0.2, maxTps: 500, messageIdFormat: 'decimal', windowSize: 64,
      },
    });
  });

  it('parses the fault behaviours', () => {
    expect(parseSimulatorArgs(['--respond-delay-ms', '50', '--silent-share', '0.1', '--receipt-before-resp', '--congestion-state', '95'])).toEqual({
      kind: 'run',
      options: expect.objectContaining({ respondDelayMs: 50, silentShare: 0.1, receiptBeforeResp: true, congestionState: 95 }),
    });
    for (const argv of [['--silent-share', '1.5'], ['--congestion-state', '101'], ['--congestion-state', '9.5'], ['--respond-delay-ms', '-1']]) {
      expect(parseSimulatorArgs(argv).kind, argv.join(' ')).toBe('error');
    }
  });

  it('reports rates every n seconds when asked', () => {
    expect(parseSimulatorArgs(['--report-every-s', '10'])).toEqual(expect.objectContaining({ kind: 'run', reportEveryS: 10 }));
    expect(parseSimulatorArgs(['--report-every-s', '0']).kind).toBe('error');
  });

  it('help', () => {
    expect(parseSimulatorArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseSimulatorArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('bad input is an error value', () => {
    for (const argv of [['--bogus'], ['--port', 'x'], ['--port', '70000'], ['--throttle-share', '2'], ['--receipt-stat', 'FINE'], ['--message-id-format', 'uuid'], ['extra']]) {
      expect(parseSimulatorArgs(argv).kind, argv.join(' ')).toBe('error');
    }
  });
});

describe('message ids', () => {
  it('count up in hex or decimal', () => {
    const hex = createMessageIdGenerator('hex', 0xfe);
    expect([hex(), hex()]).toEqual(['ff', '100']);
    const dec = createMessageIdGenerator('decimal', 41);
    expect(dec()).toBe('42');
  });
});
