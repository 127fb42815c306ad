/**
 * The DMA allocator over real locked anonymous memory (native addon), with a recording
 * stand-in for the IOMMU so no VFIO is needed: IOVA alignment, no overlap, zero-filled
 * regions, pooling of 2 MiB chunks, and everything unmapped on close.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeStatus } from '../../runtime/native.js';
import { NativeChunkSource } from '../../runtime/vfio/dma-chunks.js';
import type { DmaMapper } from '../../runtime/vfio/dma-mapper.js';
import { DmaPool } from '../../runtime/vfio/dma-pool.js';
import { CHUNK_BYTES, IovaAllocator } from '../../runtime/vfio/iova.js';
import type { DmaRegion } from '../../runtime/types.js';

/** Plays the IOMMU: hands out IOVAs and records every map and unmap. */
class RecordingMapper implements DmaMapper {
  readonly needsContiguous = false;
  readonly mapped = new Map<number, { vaddr: bigint; size: number }>();
  readonly unmapped: number[] = [];
  private readonly iovas = new IovaAllocator();
  map(vaddr: bigint, size: number): number {
    const iova = this.iovas.take(size);
    this.mapped.set(iova, { vaddr, size });
    return iova;
  }
  unmap(iova: number, size: number): void {
    expect(this.mapped.get(iova)?.size).toBe(size);
    this.unmapped.push(iova);
  }
}

function newPool() {
  const mapper = new RecordingMapper();
  const pool = new DmaPool(new NativeChunkSource({ hugepages: false }), mapper, 'DMA of test');
  return { pool, mapper };
}

const status = nativeStatus();
const RUNS = Number(process.env.NICDL_PROP_RUNS ?? 60);

describe.skipIf(!status.available)(`DMA pool ${status.reason ?? ''}`, () => {
  it('aligns regions in IOVA space, zero-fills them, and shares one mapped chunk', () => {
    const { pool, mapper } = newPool();
    const ring = pool.alloc(4096, 128);
    const bufs = Array.from({ length: 64 }, () => pool.alloc(2048));
    expect(ring.iova % 128).toBe(0);
    expect(ring.u8.every((b) => b === 0)).toBe(true);
    for (const b of bufs) expect(b.iova % 64).toBe(0);
    expect(mapper.mapped.size).toBe(1);
    expect(pool.stats()).toEqual({
      allocatedBytes: 4096 + 64 * 2048,
      mappedBytes: CHUNK_BYTES,
      regions: 65,
    });
    // Views of one region do not reach the next.
    ring.u32[ring.u32.length - 1] = 0xffffffff;
    expect(ring.view.getUint32(4092, true)).toBe(0xffffffff);
    pool.close();
  });

  it('reuses freed space before mapping more, and zero-fills reused space', () => {
    const { pool, mapper } = newPool();
    const a = pool.alloc(CHUNK_BYTES);
    a.u8.fill(0xee);
    pool.free(a);
    const b = pool.alloc(CHUNK_BYTES / 2);
    expect(b.iova).toBe(a.iova);
    expect(b.u8.every((x) => x === 0)).toBe(true);
    expect(mapper.mapped.size).toBe(1);
    pool.close();
  });

  it('gives a request larger than 2 MiB its own chunk, a multiple of 2 MiB', () => {
    const { pool } = newPool();
    const big = pool.alloc(3 * 1024 * 1024 + 5);
    expect(big.size).toBe(3 * 1024 * 1024 + 5);
    expect(pool.stats().mappedBytes).toBe(2 * CHUNK_BYTES);
    pool.close();
  });

  it('refuses bad sizes, bad alignments and double frees with typed errors', () => {
    const { pool } = newPool();
    expect(() => pool.alloc(0)).toThrowError(expect.objectContaining({ code: 'E_DMA_SIZE' }));
    expect(() => pool.alloc(64, 48)).toThrowError(expect.objectContaining({ code: 'E_DMA_ALIGN' }));
    const r = pool.alloc(64);
    pool.free(r);
    expect(() => pool.free(r)).toThrowError(expect.objectContaining({ code: 'E_DMA_FREE' }));
    pool.close();
  });

  it('close unmaps every chunk from the IOMMU and detaches every view', () => {
    const { pool, mapper } = newPool();
    const small = pool.alloc(100);
    pool.alloc(3 * 1024 * 1024);
    pool.close();
    expect(mapper.unmapped.sort()).toEqual([...mapper.mapped.keys()].sort());
    expect(small.u8.length).toBe(0);
    expect(() => small.view.getUint8(0)).toThrowError(TypeError);
    expect(() => pool.alloc(64)).toThrowError(expect.objectContaining({ code: 'E_CLOSED' }));
    pool.close(); // idempotent
  });

  it('never hands out overlapping or misaligned regions (property)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('alloc' as const),
        size: fc.oneof(fc.integer({ min: 1, max: 9000 }), fc.integer({ min: 1, max: 2_500_000 })),
        alignLog2: fc.integer({ min: 0, max: 12 }),
      }),
      fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { pool, mapper } = newPool();
        const live: DmaRegion[] = [];
        try {
          for (const o of ops) {
            if (o.kind === 'alloc') {
              const align = 2 ** o.alignLog2;
              const r = pool.alloc(o.size, align);
              expect(r.iova % Math.max(align, 8)).toBe(0);
              expect(r.u8.every((b) => b === 0)).toBe(true);
              r.u8.fill(0xa5); // dirty it so reuse without zeroing would show
              for (const other of live) {
                const disjoint = r.iova + r.size <= other.iova || other.iova + other.size <= r.iova;
                expect(disjoint).toBe(true);
              }
              live.push(r);
            } else if (live.length) {
              pool.free(live.splice(o.pick % live.length, 1)[0]);
            }
            const s = pool.stats();
            expect(s.regions).toBe(live.length);
            expect(s.allocatedBytes).toBe(live.reduce((n, r) => n + r.size, 0));
            expect(s.mappedBytes % CHUNK_BYTES).toBe(0);
            expect(s.mappedBytes).toBe([...mapper.mapped.values()].reduce((n, m) => n + m.size, 0));
          }
        } finally {
          pool.close();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
