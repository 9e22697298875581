import type { JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { DeadLetterHeaders } from '../bus/dead-letters.js';
import { failureFromDeadMt } from './status-sources.js';

const ID = '01a239e4-f272-7c46-9f72-de7a09dee321';
const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function dead(body: unknown, headers: Record<string, string>): Pick<JsMsg, 'data' | 'headers'> {
  return { data: new TextEncoder().encode(JSON.stringify(body)), headers: { get: (k: string) => headers[k] ?? '' } as unknown as JsMsg['headers'] };
}

describe('failureFromDeadMt', () => {
  it('records a dead-lettered MT as failed, with why, when, and the traceparent it was published with', () => {
    const at = '2026-12-03T03:00:00.000Z';
    const evs = failureFromDeadMt(
      dead({ id: ID, carrier: 'uk', clientId: 'acme', broken: true }, { [DeadLetterHeaders.reason]: 'undecodable', [DeadLetterHeaders.detail]: 'field broken', [DeadLetterHeaders.at]: at, traceparent: TP }),
      0,
    );
    expect(evs).toEqual([
      { kind: 'failed', id: ID, carrier: 'uk', status: 'failed', error: 'dead-lettered (undecodable): field broken', at: Date.parse(at), clientId: 'acme', traceparent: TP },
    ]);
  });

  it('leaves the traceparent out when the message had none, and records nothing without an id', () => {
    expect(failureFromDeadMt(dead({ id: ID, carrier: 'uk' }, {}), 42)[0]).not.toHaveProperty('traceparent');
    expect(failureFromDeadMt(dead({ id: ID, carrier: 'uk' }, {}), 42)[0]!.at).toBe(42);
    expect(failureFromDeadMt(dead({ carrier: 'uk' }, { traceparent: TP }), 42)).toEqual([]);
  });
});
