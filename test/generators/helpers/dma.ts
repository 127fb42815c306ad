/** Plain-memory DMA regions and an allocator for codec and ring tests (no device, no IOMMU). */
import type { DmaAllocator, DmaRegion } from '../../../runtime/types.js';

export function dmaRegion(size: number, iova = 0x1_0000_0000): DmaRegion {
  const buf = new ArrayBuffer(size);
  return {
    iova,
    size,
    u8: new Uint8Array(buf),
    u16: new Uint16Array(buf),
    u32: new Uint32Array(buf),
    view: new DataView(buf),
  };
}

/** Hands out regions at increasing, aligned IOVAs above 4 GiB (so high base words matter). */
export class TestAllocator implements DmaAllocator {
  private next = 0x1_2345_0000;
  private readonly live = new Set<DmaRegion>();

  alloc(size: number, align = 64): DmaRegion {
    this.next = Math.ceil(this.next / align) * align;
    const r = dmaRegion(size, this.next);
    this.next += size;
    this.live.add(r);
    return r;
  }

  free(region: DmaRegion): void {
    this.live.delete(region);
  }

  stats() {
    const bytes = [...this.live].reduce((s, r) => s + r.size, 0);
    return { allocatedBytes: bytes, mappedBytes: bytes, regions: this.live.size };
  }
}
