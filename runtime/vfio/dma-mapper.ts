/**
 * How a block of process memory becomes reachable by the device.
 * - With an IOMMU (the normal case): we pick the IOVA and ask VFIO to map it; the
 *   IOMMU blocks every other address (a DMAR fault instead of memory corruption).
 * - Without (unsafe no-IOMMU mode): the device uses physical addresses, read from
 *   /proc/self/pagemap; the block must be physically contiguous (one hugepage).
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { VfioContainer } from './container.js';
import { IovaAllocator } from './iova.js';

export interface DmaMapper {
  /** Map `size` bytes at process address `vaddr`; returns the address the device uses. */
  map(vaddr: bigint, size: number): number;
  unmap(iova: number, size: number): void;
  /** Whether blocks must be physically contiguous (no IOMMU to stitch pages together). */
  readonly needsContiguous: boolean;
}

export class IommuMapper implements DmaMapper {
  readonly needsContiguous = false;

  constructor(
    private readonly container: VfioContainer,
    private readonly iovas = new IovaAllocator(),
  ) {}

  map(vaddr: bigint, size: number): number {
    const iova = this.iovas.take(size);
    this.container.mapDma(vaddr, iova, size);
    return iova;
  }

  unmap(iova: number, size: number): void {
    this.container.unmapDma(iova, size);
  }
}

/** linux Documentation/admin-guide/mm/pagemap.rst: one u64 per page, PFN in bits 0–54. */
const PAGE_BYTES = 4096;
const PAGEMAP_ENTRY_BYTES = 8;
const PAGEMAP_PRESENT = 1n << 63n;
const PAGEMAP_PFN_MASK = (1n << 55n) - 1n;

export class PhysicalMapper implements DmaMapper {
  readonly needsContiguous = true;

  constructor(private readonly pagemapPath = '/proc/self/pagemap') {}

  map(vaddr: bigint, size: number): number {
    const pfns = this.readPfns(vaddr, size);
    for (let i = 1; i < pfns.length; i++) {
      if (pfns[i] !== pfns[0] + BigInt(i)) {
        throw new NicdlError(
          'E_DMA_CONTIGUOUS',
          `no-IOMMU DMA block of ${size} bytes is not physically contiguous; use 2 MiB hugepages and blocks of at most 2 MiB`,
          ExitCode.unsupported,
        );
      }
    }
    return Number(pfns[0] * BigInt(PAGE_BYTES));
  }

  unmap(): void {
    // Nothing is mapped anywhere: the device uses physical addresses directly.
  }

  private readPfns(vaddr: bigint, size: number): bigint[] {
    const pages = Math.ceil(size / PAGE_BYTES);
    const buf = Buffer.alloc(pages * PAGEMAP_ENTRY_BYTES);
    const fd = openSync(this.pagemapPath, 'r');
    try {
      readSync(
        fd,
        buf,
        0,
        buf.length,
        Number((vaddr / BigInt(PAGE_BYTES)) * BigInt(PAGEMAP_ENTRY_BYTES)),
      );
    } finally {
      closeSync(fd);
    }
    const pfns: bigint[] = [];
    for (let i = 0; i < pages; i++) {
      const entry = buf.readBigUInt64LE(i * PAGEMAP_ENTRY_BYTES);
      const pfn = entry & PAGEMAP_PFN_MASK;
      if ((entry & PAGEMAP_PRESENT) === 0n || pfn === 0n) {
        throw new NicdlError(
          'E_PERMISSION',
          `${this.pagemapPath} shows no physical address (needs root and locked memory)`,
          ExitCode.permission,
        );
      }
      pfns.push(pfn);
    }
    return pfns;
  }
}
