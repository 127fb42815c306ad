/** PCI discovery and binding through sysfs. */
export { parsePciAddress } from './address.js';
export { pciClassName, isNetworkClass } from './class-names.js';
export {
  listPciDevices,
  getPciDevice,
  pciIds,
  type PciDeviceInfo,
  type PciPeer,
} from './discovery.js';
export {
  bindToVfio,
  unbindFromVfio,
  peersHeldByKernel,
  assertGroupViable,
  VFIO_PCI_DRIVER,
  type BindOptions,
  type BindResult,
} from './binder.js';
export { iommuMode, type IommuMode } from './iommu.js';
export { defaultRouteInterfaces } from './routes.js';
export { BindingState, type BindingRecord } from './state.js';
export { Sysfs, nodeSysfsIo, type SysfsIo, type PciOptions } from './sysfs.js';
