/**
 * Where DMA chunks come from: locked, shared, anonymous memory from the native addon,
 * in 2 MiB hugepages while the system has free ones (fewer IOMMU/TLB entries, physically
 * contiguous), otherwise in normal pages.
 */
import { join } from 'node:path';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { errnoName, isErrno, native } from '../native.js';
import { nodeSysfsIo, type SysfsIo } from '../pci/sysfs.js';

export interface Chunk {
  buffer: ArrayBuffer;
  /** Process virtual address of the first byte. */
  address: bigint;
  hugepage: boolean;
}

export interface ChunkSource {
  alloc(size: number): Chunk;
  release(chunk: Chunk): void;
}

export interface ChunkSourceOptions {
  /** Try hugepages when free ones exist (default true). */
  hugepages?: boolean;
  /** Fail rather than fall back to normal pages (no-IOMMU mode needs contiguity). */
  requireHugepages?: boolean;
  sysRoot?: string;
  io?: SysfsIo;
}

const HUGEPAGE_BYTES = 2 * 1024 * 1024;
const FREE_HUGEPAGES = 'kernel/mm/hugepages/hugepages-2048kB/free_hugepages';

export class NativeChunkSource implements ChunkSource {
  private hugepagesWork: boolean;

  constructor(private readonly opts: ChunkSourceOptions = {}) {
    this.hugepagesWork = opts.hugepages ?? true;
  }

  /** Free 2 MiB hugepages the kernel reports right now. */
  freeHugepages(): number {
    const io = this.opts.io ?? nodeSysfsIo;
    return Number(io.read(join(this.opts.sysRoot ?? '/sys', FREE_HUGEPAGES))?.trim() ?? 0) || 0;
  }

  alloc(size: number): Chunk {
    const wantHuge = this.hugepagesWork && this.freeHugepages() >= Math.ceil(size / HUGEPAGE_BYTES);
    if (wantHuge) {
      const block = native().dmaAlloc(size, true);
      if (!isErrno(block)) return block;
      // Free pages may be reserved for others or taken meanwhile: stop asking.
      this.hugepagesWork = false;
    }
    if (this.opts.requireHugepages) {
      throw new NicdlError(
        'E_NO_HUGEPAGES',
        `need ${Math.ceil(size / HUGEPAGE_BYTES)} free 2 MiB hugepage(s) for DMA without an IOMMU (echo 64 > /sys/${FREE_HUGEPAGES.replace('free_hugepages', 'nr_hugepages')})`,
        ExitCode.unsupported,
      );
    }
    const block = native().dmaAlloc(size, false);
    if (isErrno(block)) {
      throw new NicdlError(
        'E_DMA_ALLOC',
        `cannot allocate ${size} bytes of locked DMA memory: ${errnoName(-block)} (raise \`ulimit -l\` or run as root)`,
        ExitCode.deviceFault,
      );
    }
    return block;
  }

  release(chunk: Chunk): void {
    native().munmap(chunk.buffer);
  }
}
