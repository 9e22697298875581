import { describe, expect, it } from 'vitest';
import { batchBody, readBatchResults } from './load-generator.js';
import { createMessageMix, DEFAULT_MIX } from './message-mix.js';

describe('batch requests of the load generator', () => {
  it('sends each message of the mix with its key as idempotencyKey and clientRef', () => {
    const mix = createMessageMix({ weights: DEFAULT_MIX, runTag: 't', destinationBase: 0 });
    const ms = [mix.at(0), mix.at(1)];
    const body = JSON.parse(batchBody(ms)) as { messages: Record<string, string>[] };
    expect(body.messages).toHaveLength(2);
    expect(body.messages[1]).toEqual({ to: ms[1]!.to, from: ms[1]!.from, text: ms[1]!.text, clientRef: ms[1]!.key, idempotencyKey: ms[1]!.key });
  });
  it('counts accepted ids and names each refused item by its status', () => {
    const body = JSON.stringify({ results: [{ id: 'a', status: 'accepted' }, { status: 400 }, { id: 'b', status: 'scheduled' }, { status: 429 }] });
    expect(readBatchResults(200, body)).toEqual({ ids: ['a', 'b'], errors: ['400', '429'] });
    expect(readBatchResults(401, '{}')).toEqual({ ids: [], errors: ['401'] });
    expect(readBatchResults(200, 'nope')).toEqual({ ids: [], errors: ['bad_batch_answer'] });
  });
});
