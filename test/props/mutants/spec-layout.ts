/**
 * Spec mistakes that are consistent with themselves, which only a device that knows the
 * datasheet can see: the generic ring model believes the spec and passes, the e1000
 * twin does not. (Not in the original report; they show what the independent device adds.)
 */
import type { Mutant } from './mutant.js';

/** The legacy RX descriptor's block, up to its closing brace. */
const RX_LEGACY = /descriptor RxLegacy\b[\s\S]*?\n\s*}\s*\n/;
/** An offset in the TX register block the e1000 leaves unused (8254x SDM §13.2, Table 13-2). */
const UNUSED_TX_OFFSET = '0x3834';

export const tailRegisterMisplaced: Mutant = {
  name: 'tail-register-misplaced',
  defect: `TDT declared at ${UNUSED_TX_OFFSET} instead of 0x3818 (§13.4.40)`,
  patchSpec: (text) =>
    text.includes('register TDT @ 0x3818')
      ? text.replace('register TDT @ 0x3818', `register TDT @ ${UNUSED_TX_OFFSET}`)
      : undefined,
  rings: ['tx'],
  caughtBy: ['tx/e1000-twin'],
  passes: ['tx/model'],
};

export const rxLengthMisplaced: Mutant = {
  name: 'rx-length-misplaced',
  defect: 'RX descriptor length and checksum fields swapped (length is at byte 8, §3.2.3)',
  patchSpec(text) {
    const block = RX_LEGACY.exec(text)?.[0];
    if (!block || !/\blength\s+u16 @ 8\b/.test(block)) return undefined;
    const swapped = block
      .replace(/\blength(\s+)u16 @ 8\b/, 'length$1u16 @ 10')
      .replace(/\bcsum(\s+)u16 @ 10\b/, 'csum$1u16 @ 8');
    return text.replace(block, swapped);
  },
  rings: ['rx'],
  caughtBy: ['rx/e1000-twin'],
  passes: ['rx/model'],
};
