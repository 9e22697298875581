/** The interop oracle suite against Net::SMPP (Debian's libnet-smpp-perl): fails, never skips, when it is missing. */
import { describe } from 'vitest';
import { startNetSmppSmsc } from './net-smpp-smsc.js';
import { defineOracleSuite } from './oracle-suite.js';

describe('gateway and a Net::SMPP SMSC, judged by the oracle', () => {
  defineOracleSuite(startNetSmppSmsc);
});
