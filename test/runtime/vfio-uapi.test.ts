/** The ioctl numbers and struct layouts against linux/vfio.h (and docs/hardware.md). */
import { describe, expect, it } from 'vitest';
import * as uapi from '../../runtime/vfio/uapi.js';

describe('VFIO uapi', () => {
  it('ioctl numbers are those of linux/vfio.h', () => {
    expect(uapi.VFIO_GET_API_VERSION).toBe(0x3b64);
    expect(uapi.VFIO_SET_IOMMU).toBe(0x3b66);
    expect(uapi.VFIO_GROUP_SET_CONTAINER).toBe(0x3b68);
    expect(uapi.VFIO_GROUP_GET_DEVICE_FD).toBe(0x3b6a);
    expect(uapi.VFIO_DEVICE_GET_REGION_INFO).toBe(0x3b6c);
    expect(uapi.VFIO_DEVICE_SET_IRQS).toBe(0x3b6e);
    expect(uapi.VFIO_IOMMU_MAP_DMA).toBe(0x3b71);
    expect(uapi.VFIO_IOMMU_UNMAP_DMA).toBe(0x3b72);
  });

  it('struct vfio_iommu_type1_dma_map: argsz 32, read|write, vaddr, iova, size', () => {
    const b = uapi.dmaMapStruct(0x7f00_1234_5000n, 0x4000_0000, 0x20_0000);
    expect(b.length).toBe(32);
    expect(b.readUInt32LE(0)).toBe(32);
    expect(b.readUInt32LE(4)).toBe(3);
    expect(b.readBigUInt64LE(8)).toBe(0x7f00_1234_5000n);
    expect(b.readBigUInt64LE(16)).toBe(0x4000_0000n);
    expect(b.readBigUInt64LE(24)).toBe(0x20_0000n);
  });

  it('struct vfio_region_info: index in, size and offset out', () => {
    const s = uapi.regionInfoStruct(uapi.VFIO_PCI_CONFIG_REGION_INDEX);
    expect(s.buf.readUInt32LE(0)).toBe(32);
    expect(s.buf.readUInt32LE(8)).toBe(7);
    s.buf.writeUInt32LE(uapi.VFIO_REGION_INFO_FLAG_READ | uapi.VFIO_REGION_INFO_FLAG_WRITE, 4);
    s.buf.writeBigUInt64LE(256n, 16);
    s.buf.writeBigUInt64LE(7n << 40n, 24); // vfio-pci puts region N at N << 40
    expect(s.read()).toEqual({ index: 7, flags: 3, size: 256, offset: 7 * 2 ** 40 });
  });

  it('struct vfio_irq_set carries the eventfds after a 20-byte header', () => {
    const b = uapi.irqSetStruct(
      uapi.VFIO_IRQ_SET_DATA_EVENTFD | uapi.VFIO_IRQ_SET_ACTION_TRIGGER,
      uapi.VFIO_PCI_INTX_IRQ_INDEX,
      [9],
    );
    expect(b.length).toBe(24);
    expect([
      b.readUInt32LE(0),
      b.readUInt32LE(4),
      b.readUInt32LE(8),
      b.readUInt32LE(12),
      b.readUInt32LE(16),
      b.readInt32LE(20),
    ]).toEqual([24, 0x24, 0, 0, 1, 9]);
  });
});
