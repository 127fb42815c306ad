/**
 * Hands a PCI device to vfio-pci and back, the way the kernel documents it: set
 * driver_override, unbind from the current driver, ask the bus to probe again; and on
 * unbind, clear the override and give the device back to the driver it had before
 * (remembered in state.ts, since unbind is usually a later process).
 *
 * Refuses, before touching anything, when the device shares its IOMMU group with devices
 * held by kernel drivers (VFIO could not use the group anyway) and when it carries the
 * default route (taking it would cut the machine off) unless forced.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { getPciDevice, type PciDeviceInfo, type PciPeer } from './discovery.js';
import { busyError, groupNotViableError, noVfioError, permissionError } from './errors.js';
import { iommuMode } from './iommu.js';
import { defaultRouteInterfaces } from './routes.js';
import { BindingState } from './state.js';
import { Sysfs, type PciOptions } from './sysfs.js';

export const VFIO_PCI_DRIVER = 'vfio-pci';

/**
 * Drivers that may hold other devices of the group while VFIO uses it: vfio-pci itself,
 * and drivers that never DMA on the device's behalf and say so to the IOMMU core
 * (driver_managed_dma: pci-stub, and pcieport for bridges, Linux >= 5.19).
 */
const GROUP_SAFE_DRIVERS = new Set([VFIO_PCI_DRIVER, 'pci-stub', 'pcieport']);

export interface BindOptions extends PciOptions {
  /** Take the device even if its interface carries the default route. */
  force?: boolean;
  /** Allow a device without an IOMMU (no isolation: the device can DMA anywhere). */
  unsafeNoIommu?: boolean;
}

export interface BindResult {
  address: string;
  /** Driver before the call (undefined: none). */
  previousDriver?: string;
  /** Driver after the call. */
  driver?: string;
  /** False when nothing had to be done. */
  changed: boolean;
}

/** Group peers that keep the group from being used by VFIO. */
export function peersHeldByKernel(info: PciDeviceInfo): PciPeer[] {
  return info.groupPeers.filter((p) => p.driver !== undefined && !GROUP_SAFE_DRIVERS.has(p.driver));
}

export function assertGroupViable(info: PciDeviceInfo): void {
  const holders = peersHeldByKernel(info);
  if (holders.length && info.iommuGroup !== undefined) {
    throw groupNotViableError(info.address, info.iommuGroup, holders);
  }
}

function assertNotDefaultRoute(info: PciDeviceInfo, sysfs: Sysfs, force: boolean): void {
  if (force) return;
  const routed = defaultRouteInterfaces(sysfs.procRoot, sysfs.io);
  const carrying = info.netdevs.filter((n) => routed.has(n));
  if (carrying.length) {
    throw new NicdlError(
      'E_DEFAULT_ROUTE',
      `${info.address} is ${carrying.join(', ')}, which carries the default route; taking it would cut this machine off the network (use --force to take it anyway)`,
      ExitCode.busy,
      { address: info.address, netdevs: carrying },
    );
  }
}

/** Someone holding /dev/vfio/GROUP open makes vfio-pci's unbind wait for them forever. */
function assertGroupNotOpen(info: PciDeviceInfo, devRoot: string): void {
  if (info.iommuGroup === undefined) return;
  const path = join(devRoot, 'vfio', String(info.iommuGroup));
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EBUSY') {
      throw busyError(
        info.address,
        `${path} is open in another process (a running driver); stop it first`,
      );
    }
    return; // absent or unreadable: nothing holds it that we could tell
  }
  closeSync(fd);
}

function writeAttr(sysfs: Sysfs, path: string, data: string, address: string): void {
  try {
    sysfs.io.write(path, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw permissionError(path);
    if (code === 'EBUSY') throw busyError(address, `the kernel refused ${path} (EBUSY)`);
    throw new NicdlError(
      'E_SYSFS',
      `writing '${data.trim()}' to ${path} failed: ${(e as Error).message}`,
      ExitCode.deviceFault,
      {
        address,
        path,
      },
    );
  }
}

/** Bind `address` to vfio-pci, remembering its driver for unbind. */
export function bindToVfio(address: string, opts: BindOptions = {}): BindResult {
  const sysfs = new Sysfs(opts);
  const info = getPciDevice(address, opts);
  if (info.driver === VFIO_PCI_DRIVER)
    return {
      address: info.address,
      previousDriver: info.driver,
      driver: info.driver,
      changed: false,
    };
  iommuMode(info, sysfs, opts.unsafeNoIommu);
  assertGroupViable(info);
  assertNotDefaultRoute(info, sysfs, opts.force ?? false);
  if (!sysfs.io.exists(sysfs.driverDir(VFIO_PCI_DRIVER)))
    throw noVfioError(`cannot bind ${info.address}`);

  new BindingState(opts.stateDir).remember(info.address, info.driver ?? null);
  writeAttr(
    sysfs,
    sysfs.deviceFile(info.address, 'driver_override'),
    VFIO_PCI_DRIVER,
    info.address,
  );
  if (info.driver)
    writeAttr(sysfs, join(sysfs.driverDir(info.driver), 'unbind'), info.address, info.address);
  writeAttr(sysfs, sysfs.driversProbe(), info.address, info.address);

  const now = sysfs.driverOf(info.address);
  if (now !== VFIO_PCI_DRIVER) {
    restore(sysfs, info.address, info.driver ?? null);
    throw new NicdlError(
      'E_BIND_FAILED',
      `vfio-pci did not take ${info.address} (driver now: ${now ?? 'none'}); see \`dmesg\``,
      ExitCode.deviceFault,
      { address: info.address },
    );
  }
  return { address: info.address, previousDriver: info.driver, driver: now, changed: true };
}

/** Release `address` from vfio-pci and give it back to the driver it had before bind. */
export function unbindFromVfio(address: string, opts: PciOptions = {}): BindResult {
  const sysfs = new Sysfs(opts);
  const info = getPciDevice(address, opts);
  const state = new BindingState(opts.stateDir);
  const record = state.get(info.address);
  if (info.driver !== VFIO_PCI_DRIVER && !info.driverOverride && !record) {
    return {
      address: info.address,
      previousDriver: info.driver,
      driver: info.driver,
      changed: false,
    };
  }
  if (info.driver === VFIO_PCI_DRIVER) {
    assertGroupNotOpen(info, sysfs.devRoot);
    writeAttr(sysfs, join(sysfs.driverDir(VFIO_PCI_DRIVER), 'unbind'), info.address, info.address);
  }
  restore(sysfs, info.address, record ? record.originalDriver : undefined);
  state.forget(info.address);
  return {
    address: info.address,
    previousDriver: info.driver,
    driver: sysfs.driverOf(info.address),
    changed: true,
  };
}

/**
 * Clear driver_override and hand the device back: to `original` by name, to no driver
 * when it had none (null), or, when nobody recorded what it had (undefined: bound by hand
 * or by another tool), to whichever driver the kernel matches.
 */
function restore(sysfs: Sysfs, address: string, original: string | null | undefined): void {
  // A lone newline clears driver_override (an empty write would be ignored).
  writeAttr(sysfs, sysfs.deviceFile(address, 'driver_override'), '\n', address);
  if (original === null || sysfs.driverOf(address) !== undefined) return;
  const bindFile = original === undefined ? undefined : join(sysfs.driverDir(original), 'bind');
  if (bindFile && sysfs.io.exists(bindFile)) writeAttr(sysfs, bindFile, address, address);
  else writeAttr(sysfs, sysfs.driversProbe(), address, address);
}
