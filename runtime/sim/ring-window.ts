/**
 * A device model's direct view of one descriptor ring in host memory. The ring is
 * probed once (IovaSpace.probe), and the probe is kept while the ring's base and size
 * and the IOVA space's mappings stay as they were: a model that walks the ring at every
 * doorbell then reads and writes descriptors in place, with no address arithmetic per
 * access (an IOVA above 2^31 is a heap number, a fresh one each time it is passed to a
 * function V8 does not inline).
 *
 * Only while nothing logs or observes DMA (IovaSpace.direct); otherwise, or when the
 * ring is not wholly mapped, `memory` is undefined and the model goes through the
 * checked accessors, access by access, which record every fault as before.
 */
import type { IovaSpace, MappedRegion } from './iova-space.js';

const TWO_POW_32 = 2 ** 32;
const NOT_PROBED = -1;
const WORD_BYTES = 4;

export class RingWindow {
  /** The region holding the whole ring, or undefined: use the checked accessors. */
  memory: MappedRegion | undefined = undefined;
  /** Where the ring starts in `memory`. */
  offset = 0;
  private baseLo = NOT_PROBED;
  private baseHi = NOT_PROBED;
  private bytes = NOT_PROBED;
  private generation = NOT_PROBED;

  constructor(private readonly dma: IovaSpace) {}

  /** The ring at `baseHi`:`baseLo` (its base registers) of `bytes`: probe it, or keep the last probe. */
  open(baseLo: number, baseHi: number, bytes: number): void {
    const dma = this.dma;
    if (!dma.direct) {
      this.memory = undefined;
      this.generation = NOT_PROBED;
      return;
    }
    if (
      baseLo === this.baseLo &&
      baseHi === this.baseHi &&
      bytes === this.bytes &&
      dma.generation === this.generation
    )
      return;
    this.baseLo = baseLo;
    this.baseHi = baseHi;
    this.bytes = bytes;
    this.generation = dma.generation;
    this.memory = dma.probe(baseHi * TWO_POW_32 + baseLo, bytes);
    this.offset = dma.probedOffset;
  }

  /**
   * Copies descriptor `slot` (`bytes` long, a multiple of 4) into `into`, as 32-bit words:
   * a byte loop costs more than the rest of a descriptor's work. False when there is no
   * direct view: the model then reads it through the checked accessors.
   */
  read(slot: number, bytes: number, into: DataView): boolean {
    const memory = this.memory;
    if (memory === undefined) return false;
    const from = this.offset + slot * bytes;
    const src = memory.view;
    for (let word = 0; word < bytes; word += WORD_BYTES)
      into.setUint32(word, src.getUint32(from + word, true), true);
    return true;
  }
}
