/**
 * Chooses I/O virtual addresses: where the device sees each DMA chunk. Chunks are
 * pooled and stay mapped until the device closes, so handing out addresses upwards
 * (2 MiB aligned, which lets the IOMMU use large pages) never runs out in practice.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';

/**
 * Default window: from 1 GiB, below the x86 interrupt (MSI) window at 0xFEE00000 that
 * the IOMMU reserves, and below 4 GiB so devices limited to 32-bit DMA reach it too.
 */
export const IOVA_BASE = 0x4000_0000;
export const IOVA_LIMIT = 0xfee0_0000;
export const CHUNK_BYTES = 2 * 1024 * 1024;

export class IovaAllocator {
  private next: number;

  constructor(
    base = IOVA_BASE,
    private readonly limit = IOVA_LIMIT,
    private readonly align = CHUNK_BYTES,
  ) {
    this.next = alignUp(base, align);
  }

  /** An IOVA for `size` bytes (a multiple of the alignment). */
  take(size: number): number {
    const iova = this.next;
    if (iova + size > this.limit) {
      throw new NicdlError(
        'E_DMA_EXHAUSTED',
        `IOVA space exhausted: ${size} bytes requested, ${this.limit - iova} left below 0x${this.limit.toString(16)}`,
        ExitCode.deviceFault,
      );
    }
    this.next = alignUp(iova + size, this.align);
    return iova;
  }
}

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}
