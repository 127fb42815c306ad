/**
 * Opening a device through VFIO, step by step as the kernel's VFIO document describes,
 * with every precondition checked first in sysfs so the error names the cause (no
 * IOMMU, not bound, group shared with kernel drivers, module not loaded) instead of
 * an errno from an ioctl.
 */
import { join } from 'node:path';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { native } from '../native.js';
import {
  assertGroupViable,
  bindToVfio,
  peersHeldByKernel,
  unbindFromVfio,
  VFIO_PCI_DRIVER,
  type BindOptions,
} from '../pci/binder.js';
import { getPciDevice, type PciDeviceInfo } from '../pci/discovery.js';
import { busyError, groupNotViableError, noVfioError } from '../pci/errors.js';
import { iommuMode } from '../pci/iommu.js';
import { Sysfs } from '../pci/sysfs.js';
import { ConfigSpace } from './config-space.js';
import { VfioContainer } from './container.js';
import { NativeChunkSource } from './dma-chunks.js';
import { IommuMapper, PhysicalMapper } from './dma-mapper.js';
import { DmaPool } from './dma-pool.js';
import { VfioDevice } from './device.js';
import { closeQuietly } from './fds.js';
import { VfioGroup } from './group.js';
import { regionInfo } from './regions.js';
import { VFIO_PCI_CONFIG_REGION_INDEX } from './uapi.js';

export interface VfioOpenOptions extends BindOptions {
  /**
   * Bind the device to vfio-pci first when needed, and give it back to its kernel driver
   * on close (and on exit through the process hooks). Default false: run `nicdl bind`.
   */
  bind?: boolean;
  /** Use 2 MiB hugepages for DMA while free ones exist (default true). */
  hugepages?: boolean;
  /** Close the device on SIGINT, SIGTERM, SIGHUP, crashes and exit (default true). */
  processHooks?: boolean;
}

export function openVfioDevice(address: string, opts: VfioOpenOptions = {}): VfioDevice {
  const sysfs = new Sysfs(opts);
  let info = getPciDevice(address, opts);
  const mode = iommuMode(info, sysfs, opts.unsafeNoIommu);
  let boundHere = false;
  if (info.driver !== VFIO_PCI_DRIVER) {
    if (!opts.bind) throw notBoundError(info);
    boundHere = bindToVfio(info.address, opts).changed;
    info = getPciDevice(info.address, opts);
  }
  const giveBack = () => {
    if (boundHere) unbindFromVfio(info.address, opts);
  };
  try {
    return openBound(info, mode === 'noiommu', opts, giveBack);
  } catch (e) {
    giveBack();
    throw e;
  }
}

function notBoundError(info: PciDeviceInfo): NicdlError {
  return new NicdlError(
    'E_NOT_BOUND',
    `${info.address} is driven by ${info.driver ?? 'no driver'}, not vfio-pci: run \`nicdl bind ${info.address}\` first`,
    ExitCode.busy,
    { address: info.address, driver: info.driver },
  );
}

function openBound(
  info: PciDeviceInfo,
  noIommu: boolean,
  opts: VfioOpenOptions,
  afterClose: () => void,
): VfioDevice {
  const { address } = info;
  const devRoot = opts.devRoot ?? '/dev';
  if (info.iommuGroup === undefined)
    throw noVfioError(`${address} has no IOMMU group although bound to vfio-pci`);
  assertGroupViable(info);
  if (!new Sysfs(opts).io.exists(join(devRoot, 'vfio', 'vfio')))
    throw noVfioError(`${join(devRoot, 'vfio')} is missing`);
  native(); // E_NO_NATIVE here, before any fd is opened

  const opened: Array<() => void> = [];
  try {
    const container = VfioContainer.open(devRoot, address);
    opened.push(() => container.close());
    const group = VfioGroup.open(devRoot, info.iommuGroup, noIommu, address);
    opened.push(() => group.close());
    if (!group.isViable()) {
      // sysfs said it was viable a moment ago; ask again to name who took it since.
      const holders = peersHeldByKernel(getPciDevice(address, opts));
      if (holders.length) throw groupNotViableError(address, info.iommuGroup, holders);
      throw busyError(address, `IOMMU group ${info.iommuGroup} is not viable`);
    }
    group.setContainer(container);
    container.setIommu(container.chooseIommuType(noIommu));
    const deviceFd = group.deviceFd(address);
    opened.push(() => closeQuietly(deviceFd));

    const cfg = regionInfo(deviceFd, VFIO_PCI_CONFIG_REGION_INDEX, address);
    const config = new ConfigSpace(deviceFd, cfg.offset, cfg.size, `config space of ${address}`);
    const mapper = noIommu ? new PhysicalMapper() : new IommuMapper(container);
    const chunks = new NativeChunkSource({
      hugepages: opts.hugepages,
      requireHugepages: noIommu,
      sysRoot: opts.sysRoot,
      io: opts.io,
    });
    const dma = new DmaPool(chunks, mapper, `DMA of ${address}`);
    return new VfioDevice({
      identity: {
        address,
        vendor: info.vendor,
        device: info.device,
        subsystemVendor: info.subsystemVendor,
        subsystemDevice: info.subsystemDevice,
      },
      container,
      group,
      deviceFd,
      config,
      dma,
      afterClose,
      processHooks: opts.processHooks,
    });
  } catch (e) {
    for (const close of opened.reverse()) close();
    throw e;
  }
}
