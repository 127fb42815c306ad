/**
 * DmaAllocator over pooled chunks: memory is taken from the system and mapped for the
 * device in 2 MiB chunks (or a larger multiple for a large request), and regions are
 * carved out of them first-fit. Freed regions go back to their chunk; chunks stay mapped
 * until close(), so the ring and buffer setup that drivers do at start-up costs a few
 * ioctls, not one per buffer.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { DmaAllocator, DmaRegion } from '../types.js';
import type { Chunk, ChunkSource } from './dma-chunks.js';
import type { DmaMapper } from './dma-mapper.js';
import { CHUNK_BYTES, alignUp } from './iova.js';

/** Cache-line alignment by default; never less than 8 so every typed view fits. */
const DEFAULT_ALIGN = 64;
const MIN_ALIGN = 8;

interface Extent {
  offset: number;
  size: number;
}

interface PoolChunk extends Chunk {
  iova: number;
  size: number;
  /** Free extents, sorted by offset, never adjacent (coalesced). */
  free: Extent[];
}

interface Allocation {
  chunk: PoolChunk;
  offset: number;
  reserved: number;
}

class DmaBlock implements DmaRegion {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly view: DataView;

  constructor(
    buffer: ArrayBuffer,
    offset: number,
    readonly iova: number,
    readonly size: number,
  ) {
    this.u8 = new Uint8Array(buffer, offset, size);
    this.u16 = new Uint16Array(buffer, offset, size >>> 1);
    this.u32 = new Uint32Array(buffer, offset, size >>> 2);
    this.view = new DataView(buffer, offset, size);
  }
}

export class DmaPool implements DmaAllocator {
  private readonly chunks: PoolChunk[] = [];
  private readonly live = new Map<DmaRegion, Allocation>();
  private allocatedBytes = 0;
  private closed = false;

  constructor(
    private readonly source: ChunkSource,
    private readonly mapper: DmaMapper,
    private readonly label: string,
  ) {}

  alloc(size: number, align = DEFAULT_ALIGN): DmaRegion {
    if (this.closed)
      throw new NicdlError('E_CLOSED', `${this.label}: DMA allocation after close`, ExitCode.usage);
    this.checkRequest(size, align);
    const effectiveAlign = Math.max(align, MIN_ALIGN);
    const reserved = alignUp(size, MIN_ALIGN);
    const placed =
      this.place(reserved, effectiveAlign) ??
      this.place(reserved, effectiveAlign, this.grow(reserved));
    if (!placed)
      throw new NicdlError(
        'E_INTERNAL',
        `${this.label}: a fresh chunk could not hold ${size} bytes`,
        ExitCode.internal,
      );
    const { chunk, offset } = placed;
    const region = new DmaBlock(chunk.buffer, offset, chunk.iova + offset, size);
    region.u8.fill(0);
    this.live.set(region, { chunk, offset, reserved });
    this.allocatedBytes += size;
    return region;
  }

  free(region: DmaRegion): void {
    const a = this.live.get(region);
    if (!a) {
      if (this.closed) return; // everything was released by close()
      throw new NicdlError(
        'E_DMA_FREE',
        `${this.label}: region at IOVA 0x${region.iova.toString(16)} is not allocated here (freed twice?)`,
        ExitCode.usage,
      );
    }
    this.live.delete(region);
    this.allocatedBytes -= region.size;
    release(a.chunk.free, { offset: a.offset, size: a.reserved });
  }

  stats() {
    const mappedBytes = this.chunks.reduce((sum, c) => sum + c.size, 0);
    return { allocatedBytes: this.allocatedBytes, mappedBytes, regions: this.live.size };
  }

  /** The chunks mapped for the device: IOVA, size, and whether 2 MiB hugepages back them. */
  chunkList(): Array<{ iova: number; size: number; hugepage: boolean }> {
    return this.chunks.map(({ iova, size, hugepage }) => ({ iova, size, hugepage }));
  }

  /** Unmap every chunk from the device, then from the process (views become detached). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    let firstError: unknown;
    for (const chunk of this.chunks.splice(0)) {
      try {
        this.mapper.unmap(chunk.iova, chunk.size);
      } catch (e) {
        firstError ??= e;
      }
      this.source.release(chunk);
    }
    this.live.clear();
    this.allocatedBytes = 0;
    if (firstError) throw firstError;
  }

  private checkRequest(size: number, align: number): void {
    if (!Number.isInteger(size) || size <= 0) {
      throw new NicdlError(
        'E_DMA_SIZE',
        `${this.label}: DMA size must be a positive integer, got ${size}`,
        ExitCode.usage,
      );
    }
    if (
      !Number.isInteger(align) ||
      align <= 0 ||
      (align & (align - 1)) !== 0 ||
      align > CHUNK_BYTES
    ) {
      throw new NicdlError(
        'E_DMA_ALIGN',
        `${this.label}: DMA alignment must be a power of two up to ${CHUNK_BYTES}, got ${align}`,
        ExitCode.usage,
      );
    }
  }

  /** First fit over `chunks` (all of them by default), aligned in IOVA space. */
  private place(
    size: number,
    align: number,
    chunks: PoolChunk[] = this.chunks,
  ): { chunk: PoolChunk; offset: number } | undefined {
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.free.length; i++) {
        const ext = chunk.free[i];
        // Chunk IOVAs are 2 MiB aligned, so aligning the offset aligns the IOVA.
        const offset = alignUp(ext.offset, align);
        if (offset + size > ext.offset + ext.size) continue;
        take(chunk.free, i, offset, size);
        return { chunk, offset };
      }
    }
    return undefined;
  }

  /** A new chunk big enough for `size`, allocated, mapped and added to the pool. */
  private grow(size: number): PoolChunk[] {
    const chunkSize = alignUp(size, CHUNK_BYTES);
    const memory = this.source.alloc(chunkSize);
    let iova: number;
    try {
      iova = this.mapper.map(memory.address, chunkSize);
    } catch (e) {
      this.source.release(memory);
      throw e;
    }
    const chunk: PoolChunk = {
      ...memory,
      iova,
      size: chunkSize,
      free: [{ offset: 0, size: chunkSize }],
    };
    this.chunks.push(chunk);
    return [chunk];
  }
}

/** Remove [offset, offset+size) from free extent i, keeping what is left on either side. */
function take(free: Extent[], i: number, offset: number, size: number): void {
  const ext = free[i];
  const pieces: Extent[] = [];
  if (offset > ext.offset) pieces.push({ offset: ext.offset, size: offset - ext.offset });
  const end = offset + size;
  const extEnd = ext.offset + ext.size;
  if (end < extEnd) pieces.push({ offset: end, size: extEnd - end });
  free.splice(i, 1, ...pieces);
}

/** Give an extent back, merging it with free neighbours. */
function release(free: Extent[], ext: Extent): void {
  let i = 0;
  while (i < free.length && free[i].offset < ext.offset) i++;
  free.splice(i, 0, { ...ext });
  const next = free[i + 1];
  if (next && free[i].offset + free[i].size === next.offset) {
    free[i].size += next.size;
    free.splice(i + 1, 1);
  }
  const prev = free[i - 1];
  if (prev && prev.offset + prev.size === free[i].offset) {
    prev.size += free[i].size;
    free.splice(i, 1);
  }
}
