/**
 * The parts of Linux's VFIO user API (include/uapi/linux/vfio.h) that nicdl uses:
 * ioctl numbers, flags, and the argument structs, each laid out with a DataView over a
 * Buffer and named after its uapi struct. All fields are native-endian; VFIO here means
 * x86-64, so little-endian. Every struct begins with `argsz`, its size in bytes, which
 * the kernel uses to tell struct versions apart.
 */

/** VFIO ioctls are _IO(VFIO_TYPE, VFIO_BASE + n): no size or direction bits encoded. */
const VFIO_TYPE = 0x3b; // ';'
const VFIO_BASE = 100;
const IOC_TYPE_SHIFT = 8;
const vfioIoctl = (n: number) => (VFIO_TYPE << IOC_TYPE_SHIFT) | (VFIO_BASE + n);

export const VFIO_GET_API_VERSION = vfioIoctl(0); // 0x3b64
export const VFIO_CHECK_EXTENSION = vfioIoctl(1); // 0x3b65
export const VFIO_SET_IOMMU = vfioIoctl(2); // 0x3b66
export const VFIO_GROUP_GET_STATUS = vfioIoctl(3); // 0x3b67
export const VFIO_GROUP_SET_CONTAINER = vfioIoctl(4); // 0x3b68
export const VFIO_GROUP_UNSET_CONTAINER = vfioIoctl(5); // 0x3b69
export const VFIO_GROUP_GET_DEVICE_FD = vfioIoctl(6); // 0x3b6a
export const VFIO_DEVICE_GET_INFO = vfioIoctl(7); // 0x3b6b
export const VFIO_DEVICE_GET_REGION_INFO = vfioIoctl(8); // 0x3b6c
export const VFIO_DEVICE_GET_IRQ_INFO = vfioIoctl(9); // 0x3b6d
export const VFIO_DEVICE_SET_IRQS = vfioIoctl(10); // 0x3b6e
export const VFIO_DEVICE_RESET = vfioIoctl(11); // 0x3b6f
export const VFIO_IOMMU_GET_INFO = vfioIoctl(12); // 0x3b70
export const VFIO_IOMMU_MAP_DMA = vfioIoctl(13); // 0x3b71
export const VFIO_IOMMU_UNMAP_DMA = vfioIoctl(14); // 0x3b72

/** The only API version there has ever been. */
export const VFIO_API_VERSION = 0;

/** IOMMU driver types (VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU argument). */
export const VFIO_TYPE1_IOMMU = 1;
export const VFIO_TYPE1v2_IOMMU = 3;
export const VFIO_NOIOMMU_IOMMU = 8;

/** vfio_group_status.flags */
export const VFIO_GROUP_FLAGS_VIABLE = 1 << 0;
export const VFIO_GROUP_FLAGS_CONTAINER_SET = 1 << 1;

/** vfio_device_info.flags */
export const VFIO_DEVICE_FLAGS_RESET = 1 << 0;
export const VFIO_DEVICE_FLAGS_PCI = 1 << 1;

/** vfio_region_info.flags */
export const VFIO_REGION_INFO_FLAG_READ = 1 << 0;
export const VFIO_REGION_INFO_FLAG_WRITE = 1 << 1;
export const VFIO_REGION_INFO_FLAG_MMAP = 1 << 2;

/** Region indexes of a vfio-pci device. */
export const VFIO_PCI_BAR0_REGION_INDEX = 0;
export const VFIO_PCI_BAR5_REGION_INDEX = 5;
export const VFIO_PCI_CONFIG_REGION_INDEX = 7;

/** IRQ indexes of a vfio-pci device. */
export const VFIO_PCI_INTX_IRQ_INDEX = 0;
export const VFIO_PCI_MSI_IRQ_INDEX = 1;
/** One IRQ per MSI-X table entry: vfio_irq_info.count is the table size. */
export const VFIO_PCI_MSIX_IRQ_INDEX = 2;

/** vfio_irq_info.flags */
export const VFIO_IRQ_INFO_EVENTFD = 1 << 0;

/** vfio_irq_set.flags: what `data` holds, and what to do. */
export const VFIO_IRQ_SET_DATA_NONE = 1 << 0;
export const VFIO_IRQ_SET_DATA_EVENTFD = 1 << 2;
export const VFIO_IRQ_SET_ACTION_UNMASK = 1 << 4;
export const VFIO_IRQ_SET_ACTION_TRIGGER = 1 << 5;

/** vfio_iommu_type1_dma_map.flags: the device may read / write the memory. */
export const VFIO_DMA_MAP_FLAG_READ = 1 << 0;
export const VFIO_DMA_MAP_FLAG_WRITE = 1 << 1;

const LE = true;

/** A zeroed struct of `size` bytes with argsz set, and a DataView on it. */
function struct(size: number): { buf: Buffer; dv: DataView } {
  const buf = Buffer.alloc(size);
  const dv = new DataView(buf.buffer, buf.byteOffset, size);
  dv.setUint32(0, size, LE);
  return { buf, dv };
}

/** struct vfio_group_status { u32 argsz; u32 flags; } */
export function groupStatusStruct() {
  const { buf, dv } = struct(8);
  return { buf, flags: () => dv.getUint32(4, LE) };
}

/** struct vfio_device_info { u32 argsz, flags, num_regions, num_irqs; } (v1 size; newer fields unused) */
export function deviceInfoStruct() {
  const { buf, dv } = struct(16);
  return {
    buf,
    read: () => ({
      flags: dv.getUint32(4, LE),
      numRegions: dv.getUint32(8, LE),
      numIrqs: dv.getUint32(12, LE),
    }),
  };
}

export interface RegionInfo {
  index: number;
  flags: number;
  /** Size in bytes (0: the region does not exist, e.g. an unused BAR). */
  size: number;
  /** Offset of the region within the device fd, for pread/pwrite/mmap. */
  offset: number;
}

/** struct vfio_region_info { u32 argsz, flags, index, cap_offset; u64 size, offset; } */
export function regionInfoStruct(index: number) {
  const { buf, dv } = struct(32);
  dv.setUint32(8, index, LE);
  return {
    buf,
    read: (): RegionInfo => ({
      index,
      flags: dv.getUint32(4, LE),
      size: Number(dv.getBigUint64(16, LE)),
      offset: Number(dv.getBigUint64(24, LE)),
    }),
  };
}

/** struct vfio_irq_info { u32 argsz, flags, index, count; } */
export function irqInfoStruct(index: number) {
  const { buf, dv } = struct(16);
  dv.setUint32(8, index, LE);
  return { buf, read: () => ({ flags: dv.getUint32(4, LE), count: dv.getUint32(12, LE) }) };
}

/**
 * struct vfio_irq_set { u32 argsz, flags, index, start, count; u8 data[]; } with int32
 * eventfds as data: with DATA_EVENTFD, data[i] (4 bytes each, from offset 20) is the
 * eventfd of vector start + i, so MSI-X vectors 0..N-1 are one call with N fds.
 */
export function irqSetStruct(
  flags: number,
  index: number,
  eventfds: number[],
  count = eventfds.length,
) {
  const header = 20;
  const { buf, dv } = struct(header + 4 * eventfds.length);
  dv.setUint32(4, flags, LE);
  dv.setUint32(8, index, LE);
  dv.setUint32(12, 0, LE); // start
  dv.setUint32(16, count, LE);
  eventfds.forEach((fd, i) => dv.setInt32(header + 4 * i, fd, LE));
  return buf;
}

/** struct vfio_iommu_type1_dma_map { u32 argsz, flags; u64 vaddr, iova, size; } */
export function dmaMapStruct(vaddr: bigint, iova: number, size: number): Buffer {
  const { buf, dv } = struct(32);
  dv.setUint32(4, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE, LE);
  dv.setBigUint64(8, vaddr, LE);
  dv.setBigUint64(16, BigInt(iova), LE);
  dv.setBigUint64(24, BigInt(size), LE);
  return buf;
}

/** struct vfio_iommu_type1_dma_unmap { u32 argsz, flags; u64 iova, size; } */
export function dmaUnmapStruct(iova: number, size: number): Buffer {
  const { buf, dv } = struct(24);
  dv.setBigUint64(8, BigInt(iova), LE);
  dv.setBigUint64(16, BigInt(size), LE);
  return buf;
}

/** An int passed by pointer (VFIO_GROUP_SET_CONTAINER takes `int *`). */
export function intArg(value: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32LE(value, 0);
  return buf;
}

/** A NUL-terminated string (VFIO_GROUP_GET_DEVICE_FD takes the device name). */
export function cString(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf8');
}
