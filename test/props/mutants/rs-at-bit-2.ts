/**
 * "RS is CMD bit 3 (0x08). Bit 2 (0x04) is IC." The e1000 spec with the two swapped in
 * the legacy TX descriptor: `on post` then sets IC instead of RS. The spec is consistent
 * with itself, so the generic ring model (which believes the spec) cannot see it; the
 * e1000 twin, which knows the datasheet, never writes DD back.
 */
import type { Mutant } from './mutant.js';

/** The legacy TX descriptor's block, up to its closing brace at the start of a line. */
const TX_LEGACY = /descriptor TxLegacy\b[\s\S]*?\n\s*}\s*\n\s*}/;

export const rsAtBit2: Mutant = {
  name: 'rs-at-bit-2',
  defect: 'RS declared at CMD bit 2 (that is IC)',
  patchSpec(text) {
    const block = TX_LEGACY.exec(text)?.[0];
    if (!block || !/\bIC\s+\[2\]/.test(block) || !/\bRS\s+\[3\]/.test(block)) return undefined;
    const swapped = block.replace(/\bIC(\s+)\[2\]/, 'IC$1[3]').replace(/\bRS(\s+)\[3\]/, 'RS$1[2]');
    return text.replace(block, swapped);
  },
  rings: ['tx'],
  caughtBy: ['tx/e1000-twin'],
  passes: ['tx/model'],
};
