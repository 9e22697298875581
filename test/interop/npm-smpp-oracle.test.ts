/** The interop oracle suite against the npm `smpp` package as the SMSC. */
import { describe } from 'vitest';
import { startNpmSmppSmsc } from './npm-smpp-smsc.js';
import { defineOracleSuite } from './oracle-suite.js';

describe('gateway and an npm smpp SMSC, judged by the oracle', () => {
  defineOracleSuite(startNpmSmppSmsc);
});
