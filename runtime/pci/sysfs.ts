/**
 * Where the kernel's PCI view lives, and the file operations used on it. Everything is
 * relative to configurable roots so tests run against a fake tree in a temp directory,
 * and all writes go through one `SysfsIo.write` so a test can play the kernel's part
 * (moving the driver link when an address is written to unbind or drivers_probe).
 */
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface SysfsIo {
  /** File contents, or undefined when it does not exist or cannot be read. */
  read(path: string): string | undefined;
  /** Write `data` in one write(2), as sysfs attributes expect. Throws the fs error. */
  write(path: string, data: string): void;
  /** Target of a symlink, or undefined. */
  readlink(path: string): string | undefined;
  /** Entry names of a directory, sorted; empty when it does not exist. */
  list(dir: string): string[];
  exists(path: string): boolean;
}

export const nodeSysfsIo: SysfsIo = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  write(path, data) {
    writeFileSync(path, data);
  },
  readlink(path) {
    try {
      return readlinkSync(path);
    } catch {
      return undefined;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  },
  exists: existsSync,
};

/** Roots and file operations for everything under runtime/pci. All optional. */
export interface PciOptions {
  /** Root of sysfs, default "/sys". */
  sysRoot?: string;
  /** Root of procfs, default "/proc" (for net/route). */
  procRoot?: string;
  /** Root of device nodes, default "/dev" (for /dev/vfio). */
  devRoot?: string;
  /** Where bind remembers original drivers for a later unbind; see state.ts. */
  stateDir?: string;
  io?: SysfsIo;
}

/** Paths of the PCI bus in one sysfs tree. */
export class Sysfs {
  readonly io: SysfsIo;
  readonly root: string;
  readonly procRoot: string;
  readonly devRoot: string;

  constructor(opts: PciOptions = {}) {
    this.root = opts.sysRoot ?? '/sys';
    this.procRoot = opts.procRoot ?? '/proc';
    this.devRoot = opts.devRoot ?? '/dev';
    this.io = opts.io ?? nodeSysfsIo;
  }

  devicesDir(): string {
    return join(this.root, 'bus/pci/devices');
  }
  deviceDir(address: string): string {
    return join(this.devicesDir(), address);
  }
  deviceFile(address: string, name: string): string {
    return join(this.deviceDir(address), name);
  }
  driverDir(driver: string): string {
    return join(this.root, 'bus/pci/drivers', driver);
  }
  driversProbe(): string {
    return join(this.root, 'bus/pci/drivers_probe');
  }
  iommuGroupDevicesDir(group: number): string {
    return join(this.root, 'kernel/iommu_groups', String(group), 'devices');
  }

  /** Trimmed text of a device attribute. */
  attr(address: string, name: string): string | undefined {
    return this.io.read(this.deviceFile(address, name))?.trim();
  }
  /** A hex attribute such as vendor ("0x8086"). */
  hexAttr(address: string, name: string): number | undefined {
    const text = this.attr(address, name);
    if (text === undefined) return undefined;
    const value = Number.parseInt(text, 16);
    return Number.isNaN(value) ? undefined : value;
  }
  /** Name of the driver bound now (the last part of the driver link), or undefined. */
  driverOf(address: string): string | undefined {
    const link = this.io.readlink(this.deviceFile(address, 'driver'));
    return link === undefined ? undefined : basename(link);
  }
  /** IOMMU group number, or undefined when the device has none (no IOMMU). */
  iommuGroupOf(address: string): number | undefined {
    const link = this.io.readlink(this.deviceFile(address, 'iommu_group'));
    return link === undefined ? undefined : Number(basename(link));
  }
}
