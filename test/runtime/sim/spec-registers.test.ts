/**
 * Twin register semantics against the spec: every register word of the hand-written
 * fixture and of drivers/e1000/e1000.nicdl must behave on the twin
 * exactly as its declared access says, bit by bit.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadIr } from '../../../spec/index.js';
import { fixtureIr } from './fixture-ir.js';
import { checkEveryWord, wordsOf } from './register-oracle.js';

const E1000_SPEC = fileURLToPath(new URL('../../../drivers/e1000/e1000.nicdl', import.meta.url));

describe('twin register semantics, every word, against the IR', () => {
  it('the fixture IR: every access kind, fields, arrays, split counters, spaces', () => {
    const seed = Date.now() | 0;
    const { words } = checkEveryWord(fixtureIr(), seed);
    expect(words).toBe(wordsOf(fixtureIr()).length);
  });

  it('drivers/e1000/e1000.nicdl: every register, array element and split half', () => {
    const { words } = checkEveryWord(loadIr(E1000_SPEC), Date.now() | 0);
    // 128 MTA + 128 VFTA + 16 RAL + 16 RAH at least, plus the rest.
    expect(words).toBeGreaterThan(300);
  });
});
