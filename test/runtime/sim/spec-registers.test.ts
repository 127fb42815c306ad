/**
 * Twin register semantics against the spec: every register word of the hand-written
 * fixture and of drivers/e1000/e1000.nicdl (once the front end can load it) must behave
 * on the twin exactly as its declared access says, bit by bit.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Device as IrDevice } from '../../../spec/ir.js';
import { fixtureIr } from './fixture-ir.js';
import { checkEveryWord, wordsOf } from './register-oracle.js';

const SPEC_INDEX = fileURLToPath(new URL('../../../spec/index.ts', import.meta.url));
const E1000_SPEC = fileURLToPath(new URL('../../../drivers/e1000/e1000.nicdl', import.meta.url));
const frontEndReady = existsSync(SPEC_INDEX);

async function loadE1000(): Promise<IrDevice> {
  const spec = (await import(/* @vite-ignore */ SPEC_INDEX)) as {
    loadIr(path: string): IrDevice | Promise<IrDevice>;
  };
  return await spec.loadIr(E1000_SPEC);
}

describe('twin register semantics, every word, against the IR', () => {
  it('the fixture IR: every access kind, fields, arrays, split counters, spaces', () => {
    const seed = Date.now() | 0;
    const { words } = checkEveryWord(fixtureIr(), seed);
    expect(words).toBe(wordsOf(fixtureIr()).length);
  });

  it.skipIf(!frontEndReady)(
    'drivers/e1000/e1000.nicdl: every register, array element and split half',
    async () => {
      const ir = await loadE1000();
      const { words } = checkEveryWord(ir, Date.now() | 0);
      // 128 MTA + 128 VFTA + 16 RAL + 16 RAH at least, plus the rest.
      expect(words).toBeGreaterThan(300);
    },
  );
});
