/** The runtime's public API: plain re-exports, one line per module. */
export * from './types.js';
export { openVfioDevice, type VfioOpenOptions } from './open.js';
export { nativeStatus, type NativeAddon } from './native.js';
export * from './pci/index.js';
export { VfioDevice, BarMmio, DmaPool, openDeviceCount } from './vfio/index.js';
export * from './support/index.js';
export {
  openSimDevice,
  SimDevice,
  NullPlugin,
  type SimDeviceOptions,
  type SimPlugin,
  type SimContext,
} from './sim/index.js';
