/** The VFIO backend: real devices through /dev/vfio. */
export { openVfioDevice, type VfioOpenOptions } from './open-device.js';
export { VfioDevice } from './device.js';
export { BarMmio } from './mmio.js';
export { DmaPool } from './dma-pool.js';
export {
  NativeChunkSource,
  type Chunk,
  type ChunkSource,
  type ChunkSourceOptions,
} from './dma-chunks.js';
export { IommuMapper, PhysicalMapper, type DmaMapper } from './dma-mapper.js';
export { IovaAllocator, IOVA_BASE, IOVA_LIMIT, CHUNK_BYTES } from './iova.js';
export {
  ConfigSpace,
  PCI_COMMAND,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
} from './config-space.js';
export { openDeviceCount } from './process-hooks.js';
