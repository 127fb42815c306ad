/**
 * Optional detection of CPU stores into DMA memory. JavaScript stores into an
 * ArrayBuffer cannot be intercepted, so the tracker keeps a shadow copy of every mapped
 * region and, at each register access, reports the ranges that changed since the
 * previous one as "cpu-write" events. That places every memory write of the driver
 * between two register accesses in the log — enough to check that descriptors were
 * written before the tail register moved. Device DMA writes update the shadow so they
 * are not mistaken for the CPU's.
 *
 * Cost: a compare of all mapped memory per register access. For tests, not benchmarks.
 */
import type { EventLog } from './event-log.js';
import type { DeviceWriteObserver, IovaSpace, MappedRegion } from './iova-space.js';

const BYTES_PER_WORD = 4;

interface Shadowed {
  words: Uint32Array;
  shadow: Uint32Array;
}

export class CpuWriteTracker implements DeviceWriteObserver {
  private readonly shadows = new Map<MappedRegion, Shadowed>();

  constructor(
    private readonly space: IovaSpace,
    private readonly log: EventLog,
  ) {}

  /** Report what the CPU changed since the last scan, then remember the new contents. */
  scan(): void {
    for (const region of this.space.mapped()) {
      let entry = this.shadows.get(region);
      if (entry === undefined) {
        // A region mapped since the last scan starts zero-filled: compare against zeros.
        const words = new Uint32Array(
          region.u8.buffer,
          region.u8.byteOffset,
          Math.floor(region.u8.buffer.byteLength / BYTES_PER_WORD),
        );
        entry = { words, shadow: new Uint32Array(words.length) };
        this.shadows.set(region, entry);
      }
      this.diff(region, entry);
    }
    // Every mapped region has a shadow now; more shadows than regions means some were unmapped.
    const mapped = this.space.mapped();
    if (this.shadows.size > mapped.length) {
      const live = new Set(mapped);
      for (const region of this.shadows.keys()) if (!live.has(region)) this.shadows.delete(region);
    }
  }

  deviceWrote(region: MappedRegion, offset: number, length: number): void {
    const entry = this.shadows.get(region);
    if (entry === undefined) return;
    const first = Math.floor(offset / BYTES_PER_WORD);
    const last = Math.ceil((offset + length) / BYTES_PER_WORD);
    for (let w = first; w < last; w++) entry.shadow[w] = entry.words[w];
  }

  private diff(region: MappedRegion, { words, shadow }: Shadowed): void {
    let runStart = -1;
    for (let w = 0; w <= words.length; w++) {
      const changed = w < words.length && words[w] !== shadow[w];
      if (changed) {
        shadow[w] = words[w];
        if (runStart < 0) runStart = w;
      } else if (runStart >= 0) {
        const offset = runStart * BYTES_PER_WORD;
        const length = Math.min(w * BYTES_PER_WORD, region.size) - offset;
        this.log.push({ kind: 'cpu-write', iova: region.iova + offset, length });
        runStart = -1;
      }
    }
  }
}
