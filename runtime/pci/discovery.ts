/**
 * PCI device discovery from sysfs: what is there, who drives it, which IOMMU group it
 * is in and who else shares that group. Read-only.
 */
import { join } from 'node:path';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { parsePciAddress } from './address.js';
import { pciClassName } from './class-names.js';
import { Sysfs, type PciOptions } from './sysfs.js';

export interface PciPeer {
  address: string;
  /** Driver bound now, undefined when none. */
  driver?: string;
}

export interface PciDeviceInfo {
  /** Canonical sysfs address, e.g. "0000:00:02.0". */
  address: string;
  vendor: number;
  device: number;
  subsystemVendor?: number;
  subsystemDevice?: number;
  /** 24-bit class code (base class, subclass, programming interface). */
  classCode: number;
  /** e.g. "network/ethernet". */
  className: string;
  /** Driver bound now (e.g. "e1000", "vfio-pci"), undefined when none. */
  driver?: string;
  /** driver_override, undefined when unset ("(null)" in sysfs). */
  driverOverride?: string;
  /** IOMMU group, undefined when the kernel has no IOMMU for it. */
  iommuGroup?: number;
  /** The other devices of the IOMMU group. */
  groupPeers: PciPeer[];
  /** Kernel network interfaces of this device (e.g. "eth0"). */
  netdevs: string[];
}

/** Every PCI device, sorted by address. */
export function listPciDevices(opts: PciOptions = {}): PciDeviceInfo[] {
  const sysfs = new Sysfs(opts);
  return sysfs.io.list(sysfs.devicesDir()).map((address) => readDevice(sysfs, address));
}

/** One device by address (any accepted form), or E_BAD_ADDRESS / E_NOT_FOUND. */
export function getPciDevice(address: string, opts: PciOptions = {}): PciDeviceInfo {
  const canonical = parsePciAddress(address);
  const sysfs = new Sysfs(opts);
  if (!sysfs.io.exists(sysfs.deviceDir(canonical))) {
    const present = sysfs.io.list(sysfs.devicesDir());
    throw new NicdlError(
      'E_NOT_FOUND',
      `no PCI device ${canonical}; present: ${present.length ? present.join(', ') : 'none'}`,
      ExitCode.notFound,
      { address: canonical, present },
    );
  }
  return readDevice(sysfs, canonical);
}

function readDevice(sysfs: Sysfs, address: string): PciDeviceInfo {
  const classCode = sysfs.hexAttr(address, 'class') ?? 0;
  const override = sysfs.attr(address, 'driver_override');
  const iommuGroup = sysfs.iommuGroupOf(address);
  return {
    address,
    vendor: sysfs.hexAttr(address, 'vendor') ?? 0,
    device: sysfs.hexAttr(address, 'device') ?? 0,
    subsystemVendor: sysfs.hexAttr(address, 'subsystem_vendor'),
    subsystemDevice: sysfs.hexAttr(address, 'subsystem_device'),
    classCode,
    className: pciClassName(classCode),
    driver: sysfs.driverOf(address),
    driverOverride: override && override !== '(null)' ? override : undefined,
    iommuGroup,
    groupPeers: iommuGroup === undefined ? [] : groupPeers(sysfs, iommuGroup, address),
    netdevs: netdevsOf(sysfs, address),
  };
}

function groupPeers(sysfs: Sysfs, group: number, self: string): PciPeer[] {
  return sysfs.io
    .list(sysfs.iommuGroupDevicesDir(group))
    .filter((a) => a !== self)
    .map((a) => ({ address: a, driver: sysfs.driverOf(a) }));
}

/**
 * Interfaces live in DEVICE/net/NAME, or one level further down for bus-in-bus drivers
 * (virtio-pci puts them under DEVICE/virtioN/net/NAME).
 */
function netdevsOf(sysfs: Sysfs, address: string): string[] {
  const dir = sysfs.deviceDir(address);
  const direct = sysfs.io.list(join(dir, 'net'));
  if (direct.length) return direct;
  return sysfs.io
    .list(dir)
    .filter((child) => /^virtio\d+$/.test(child))
    .flatMap((child) => sysfs.io.list(join(dir, child, 'net')));
}

/** "8086:100e" */
export function pciIds(info: Pick<PciDeviceInfo, 'vendor' | 'device'>): string {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  return `${hex4(info.vendor)}:${hex4(info.device)}`;
}
