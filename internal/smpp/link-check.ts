/** The session's own keep-alive: enquire_link after a quiet interval, and close when nothing at all answers it in time. */
import { CommandId } from './command-id.js';
import { encodeHeader } from './pdu-encode.js';
import type { SessionCore } from './session-core.js';

/** Returns the check the session's sweep runs on every tick. */
export function createLinkCheck(
  core: SessionCore,
  enquireLinkIntervalMs: number,
  enquireLinkTimeoutMs: number,
  nextSequence: () => number,
): (now: number) => void {
  const { log, write, close } = core;
  return function checkLink(now: number): void {
    if (core.linkCheckSentAt !== 0 && enquireLinkTimeoutMs > 0 && now - core.linkCheckSentAt >= enquireLinkTimeoutMs) {
      log.warn({ silentMs: Math.round(now - core.lastRx) }, 'smpp link silent after enquire_link; closing');
      close('enquire_link_timeout');
      return;
    }
    if (
      enquireLinkIntervalMs > 0 &&
      core.linkCheckSentAt === 0 &&
      (core.state === 'open' || core.state === 'bound') &&
      now - core.lastRx >= enquireLinkIntervalMs
    ) {
      core.linkCheckSeq = nextSequence();
      core.linkCheckSentAt = now;
      // Idle time restarts here, so a link that answers is checked once per interval, not once per tick.
      core.lastRx = now;
      write(encodeHeader(CommandId.enquire_link, 0, core.linkCheckSeq));
    }
  };
}
