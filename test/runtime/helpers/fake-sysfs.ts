/**
 * A fake sysfs/procfs/dev tree in a temp directory, shaped like the kernel's (devices,
 * drivers, iommu_groups, driver and iommu_group symlinks), and a FakeKernel that plays
 * the kernel's part when an address is written to DRIVER/unbind, DRIVER/bind or
 * drivers_probe: it moves the device's driver link the way the kernel would, honouring
 * driver_override. Every write is recorded, so tests can check what was (not) touched.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { nodeSysfsIo, type SysfsIo } from '../../../runtime/pci/sysfs.js';

export interface FakeDevice {
  address: string;
  vendor: number;
  device: number;
  classCode?: number;
  driver?: string;
  iommuGroup?: number;
  netdevs?: string[];
  /** The driver the kernel would pick for it on probe (default: `driver`). */
  nativeDriver?: string;
}

export interface FakeTreeOptions {
  devices: FakeDevice[];
  /** Drivers present (vfio-pci included unless `noVfioModule`). */
  drivers?: string[];
  noVfioModule?: boolean;
  /** /proc/net/route content (header included). */
  route?: string;
  /** /sys/module/vfio/parameters/enable_unsafe_noiommu_mode, when given. */
  noiommuParam?: 'Y' | 'N';
}

export const ROUTE_HEADER =
  'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n';
export const defaultRouteVia = (iface: string) =>
  `${ROUTE_HEADER}${iface}\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n${iface}\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n`;

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;

export class FakeTree {
  readonly dir: string;
  readonly sysRoot: string;
  readonly procRoot: string;
  readonly devRoot: string;
  readonly stateDir: string;
  readonly nativeDrivers = new Map<string, string | undefined>();

  constructor(opts: FakeTreeOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'nicdl-fake-'));
    this.sysRoot = join(this.dir, 'sys');
    this.procRoot = join(this.dir, 'proc');
    this.devRoot = join(this.dir, 'dev');
    this.stateDir = join(this.dir, 'run');
    mkdirSync(join(this.sysRoot, 'bus/pci/devices'), { recursive: true });
    mkdirSync(join(this.procRoot, 'net'), { recursive: true });
    mkdirSync(this.devRoot, { recursive: true });
    writeFileSync(join(this.sysRoot, 'bus/pci/drivers_probe'), '');
    writeFileSync(join(this.procRoot, 'net/route'), opts.route ?? ROUTE_HEADER);
    const drivers = new Set(opts.drivers ?? []);
    for (const d of opts.devices) if (d.driver) drivers.add(d.driver);
    if (!opts.noVfioModule) drivers.add('vfio-pci');
    for (const d of drivers) this.addDriver(d);
    if (opts.noiommuParam) {
      mkdirSync(join(this.sysRoot, 'module/vfio/parameters'), { recursive: true });
      writeFileSync(
        join(this.sysRoot, 'module/vfio/parameters/enable_unsafe_noiommu_mode'),
        `${opts.noiommuParam}\n`,
      );
    }
    for (const d of opts.devices) this.addDevice(d);
  }

  get options() {
    return {
      sysRoot: this.sysRoot,
      procRoot: this.procRoot,
      devRoot: this.devRoot,
      stateDir: this.stateDir,
    };
  }

  addDriver(name: string): void {
    const dir = join(this.sysRoot, 'bus/pci/drivers', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bind'), '');
    writeFileSync(join(dir, 'unbind'), '');
  }

  deviceDir(address: string): string {
    return join(this.sysRoot, 'bus/pci/devices', address);
  }

  private addDevice(d: FakeDevice): void {
    const dir = this.deviceDir(d.address);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vendor'), `${hex(d.vendor, 4)}\n`);
    writeFileSync(join(dir, 'device'), `${hex(d.device, 4)}\n`);
    writeFileSync(join(dir, 'subsystem_vendor'), `${hex(d.vendor, 4)}\n`);
    writeFileSync(join(dir, 'subsystem_device'), `${hex(0x1234, 4)}\n`);
    writeFileSync(join(dir, 'class'), `${hex(d.classCode ?? 0x020000, 6)}\n`);
    writeFileSync(join(dir, 'driver_override'), '(null)\n');
    if (d.driver) this.linkDriver(d.address, d.driver);
    if (d.iommuGroup !== undefined) {
      const groupDevices = join(
        this.sysRoot,
        'kernel/iommu_groups',
        String(d.iommuGroup),
        'devices',
      );
      mkdirSync(groupDevices, { recursive: true });
      symlinkSync(relative(dir, dirname(groupDevices)), join(dir, 'iommu_group'));
      symlinkSync(relative(groupDevices, dir), join(groupDevices, d.address));
    }
    for (const n of d.netdevs ?? []) mkdirSync(join(dir, 'net', n), { recursive: true });
    this.nativeDrivers.set(d.address, d.nativeDriver ?? d.driver);
  }

  linkDriver(address: string, driver: string | undefined): void {
    const link = join(this.deviceDir(address), 'driver');
    rmSync(link, { force: true }); // removes the link itself, never its target
    if (driver)
      symlinkSync(
        relative(this.deviceDir(address), join(this.sysRoot, 'bus/pci/drivers', driver)),
        link,
      );
  }

  driverOverride(address: string): string {
    return readFileSync(join(this.deviceDir(address), 'driver_override'), 'utf8').trim();
  }

  /** A fake /dev/vfio with the container node and the given group nodes as plain files. */
  addDevVfio(groups: number[]): void {
    mkdirSync(join(this.devRoot, 'vfio'), { recursive: true });
    writeFileSync(join(this.devRoot, 'vfio/vfio'), '');
    for (const g of groups) writeFileSync(join(this.devRoot, 'vfio', String(g)), '');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface KernelOptions {
  /** Drivers whose probe fails (the device stays unbound). */
  failingDrivers?: string[];
  /** Throw this errno code on every write (e.g. "EACCES"). */
  writeError?: string;
}

/** The kernel's side of sysfs writes, over a FakeTree. */
export class FakeKernel implements SysfsIo {
  readonly writes: Array<{ path: string; data: string }> = [];

  constructor(
    private readonly tree: FakeTree,
    private readonly opts: KernelOptions = {},
  ) {}

  read = nodeSysfsIo.read;
  readlink = nodeSysfsIo.readlink;
  list = nodeSysfsIo.list;
  exists = nodeSysfsIo.exists;

  write(path: string, data: string): void {
    if (this.opts.writeError) {
      throw Object.assign(new Error(`${this.opts.writeError}: fake kernel refuses ${path}`), {
        code: this.opts.writeError,
      });
    }
    this.writes.push({ path: relative(this.tree.sysRoot, path), data });
    const name = basename(path);
    const address = data.trim();
    if (name === 'driver_override') {
      writeFileSync(path, data.trim() === '' ? '(null)\n' : `${data.trim()}\n`);
    } else if (name === 'unbind') {
      this.tree.linkDriver(address, undefined);
    } else if (name === 'bind') {
      this.probe(address, basename(dirname(path)));
    } else if (name === 'drivers_probe') {
      const override = this.tree.driverOverride(address);
      this.probe(address, override !== '(null)' ? override : this.tree.nativeDrivers.get(address));
    } else {
      writeFileSync(path, data);
    }
  }

  private probe(address: string, driver: string | undefined): void {
    if (!driver || nodeSysfsIo.readlink(join(this.tree.deviceDir(address), 'driver'))) return;
    const override = this.tree.driverOverride(address);
    // The kernel only lets the override driver take a device that has one.
    if (override !== '(null)' && override !== driver) return;
    if (this.opts.failingDrivers?.includes(driver)) return;
    if (!existsSync(join(this.tree.sysRoot, 'bus/pci/drivers', driver))) return;
    this.tree.linkDriver(address, driver);
  }
}
