/**
 * "It accepts frames up to 9018 bytes into 2048-byte buffers." A driver that configures
 * rings (and the device) for 9018-byte frames but allocates 2048-byte buffers: TX posts
 * up to 9018 bytes from a 2048-byte buffer, RX lets the device write 9018 into one.
 */
import type { Mutant } from './mutant.js';

/** The jumbo frame size of the original report, and the buffer it allocated. */
const JUMBO_FRAME_BYTES = 9018;
const BUFFER_BYTES = 2048;

export const frameLargerThanBuffer: Mutant = {
  name: 'frame-larger-than-buffer',
  defect: 'frames up to 9018 bytes posted into 2048-byte buffers',
  driver: { bufferBytes: JUMBO_FRAME_BYTES, allocBytes: BUFFER_BYTES },
  rings: ['tx', 'rx'],
  caughtBy: ['tx/model', 'rx/model', 'tx/e1000-twin', 'rx/e1000-twin'],
};
