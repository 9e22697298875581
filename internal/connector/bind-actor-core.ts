/** What the parts of one bind actor share: one object per actor, handed to each part once when the actor is made. */
import type { Session } from '../smpp/session.js';

export type BindState = 'connecting' | 'bound' | 'draining' | 'closed';

export interface BindCore {
  state: BindState;
  stopping: boolean;
  /** The bound session, while there is one. */
  session: Session | undefined;
}
