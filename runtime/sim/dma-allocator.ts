/**
 * DMA memory for the twin: plain ArrayBuffers handed out at IOVAs and mapped into the
 * twin's IovaSpace. IOVAs start at 4 GiB by default, so a driver that forgets the high
 * half of a 64-bit address register points the device at unmapped space and the
 * fault shows up at once; a guard page between regions turns overruns into faults.
 */
import type { DmaAllocator, DmaRegion } from '../types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { IovaSpace } from './iova-space.js';

export const SIM_IOVA_BASE = 2 ** 32;
const PAGE_BYTES = 4096;
/** Buffers are rounded up to this, so the u32 view covers every byte of the region. */
const WORD_BYTES = 4;

export class SimDmaRegion implements DmaRegion {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly view: DataView;

  constructor(
    readonly iova: number,
    readonly size: number,
  ) {
    const buffer = new ArrayBuffer(Math.ceil(size / WORD_BYTES) * WORD_BYTES);
    this.u8 = new Uint8Array(buffer, 0, size);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.view = new DataView(buffer, 0, size);
  }
}

export interface SimDmaOptions {
  /** First IOVA handed out. Default 4 GiB. */
  iovaBase?: number;
}

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export class SimDmaAllocator implements DmaAllocator {
  private nextIova: number;
  private readonly live = new Set<SimDmaRegion>();
  private allocatedBytes = 0;
  private mappedBytes = 0;
  private closed = false;

  constructor(
    private readonly space: IovaSpace,
    options: SimDmaOptions = {},
  ) {
    this.nextIova = options.iovaBase ?? SIM_IOVA_BASE;
  }

  alloc(size: number, align: number = PAGE_BYTES): DmaRegion {
    if (this.closed)
      throw new NicdlError('E_SIM_CLOSED', 'DMA allocation on a closed twin', ExitCode.usage);
    if (!Number.isInteger(size) || size < 1) {
      throw new NicdlError(
        'E_DMA_SIZE',
        `DMA allocation of ${size} bytes: the size must be a positive integer`,
        ExitCode.usage,
        { size },
      );
    }
    if (!isPowerOfTwo(align)) {
      throw new NicdlError(
        'E_DMA_ALIGN',
        `DMA alignment ${align} is not a power of two`,
        ExitCode.usage,
        { align },
      );
    }
    const iova = alignUp(this.nextIova, Math.max(align, PAGE_BYTES));
    const region = new SimDmaRegion(iova, size);
    // Skip one unmapped page after the region so that running off its end faults.
    this.nextIova = alignUp(iova + size, PAGE_BYTES) + PAGE_BYTES;
    this.live.add(region);
    this.allocatedBytes += size;
    this.mappedBytes += alignUp(size, PAGE_BYTES);
    this.space.map(region);
    return region;
  }

  free(region: DmaRegion): void {
    if (!(region instanceof SimDmaRegion) || !this.live.delete(region)) return;
    this.allocatedBytes -= region.size;
    this.mappedBytes -= alignUp(region.size, PAGE_BYTES);
    this.space.unmap(region);
  }

  stats(): { allocatedBytes: number; mappedBytes: number; regions: number } {
    return {
      allocatedBytes: this.allocatedBytes,
      mappedBytes: this.mappedBytes,
      regions: this.live.size,
    };
  }

  /** Unmap everything (device close). */
  freeAll(): void {
    for (const region of [...this.live]) this.free(region);
    this.closed = true;
  }
}
