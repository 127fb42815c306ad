/**
 * How every hardware command gets its device: the twin of a driver (`--sim`, the
 * default) or a PCI device through VFIO (`--pci ADDR`, bound to vfio-pci for the run),
 * then, for commands that move packets, the driver brought up on it.
 *
 * Whatever way the command ends — success, a typed error, Ctrl-C or SIGTERM — the
 * cleanups registered here run in reverse order: the driver quiesces the NIC and frees
 * its DMA memory, then the device is closed (bus mastering off, DMA unmapped) and, when
 * this run bound it, handed back to its original kernel driver. Ctrl-C first asks the
 * command's loop to stop (StopSignal); only a stuck loop or a second signal takes the
 * synchronous emergency path.
 *
 * The drivers, their twins and the VFIO backend are imported when a device is opened, not
 * when this module loads: every command module (and so this one) loads on every CLI run.
 */
import type { Device as IrDevice } from '../spec/ir.js';
import type { NicDriver, NicConfig } from '../runtime/nic.js';
import type { Device } from '../runtime/types.js';
import type { SimDevice } from '../runtime/sim/device.js';
import type { DriverPackage } from './driver-registry.js';
import { DEFAULT_DRIVER, nicConfig, type NicFlagValues } from './nic-flags.js';
import { pciOptions } from './pci-flags.js';
import { StopSignal } from './stop-signal.js';

export interface DeviceFlagValues {
  sim?: boolean;
  pci?: string;
  driver?: string;
  'unsafe-noiommu'?: boolean;
  'sysfs-root'?: string;
  'proc-root'?: string;
  'dev-root'?: string;
  'state-dir'?: string;
}

/** What the command gives the helper: where to register cleanups. */
export interface OpenContext {
  onCleanup(fn: () => Promise<void> | void): void;
}

/** Twin-only choices a command makes (no flags: the command knows what it needs). */
export interface TwinOptions {
  /** Keep copies of transmitted frames for wire.take() (default true; pktgen turns it off). */
  captureWire?: boolean;
}

export interface OpenedDevice {
  entry: DriverPackage;
  ir: IrDevice;
  device: Device;
  /** The twin, when the device is one (wire, virtual clock, frame injection). */
  sim?: SimDevice;
  /** "sim" or the PCI address. */
  where: string;
  stop: StopSignal;
}

export interface OpenedNic extends OpenedDevice {
  driver: NicDriver;
}

/** Open the device the flags name, without a driver (for dump and the register test). */
export async function openDevice(
  flags: DeviceFlagValues,
  ctx: OpenContext,
  twin: TwinOptions = {},
): Promise<OpenedDevice> {
  const stop = new StopSignal().install();
  ctx.onCleanup(() => stop.uninstall());
  stop.check('opening the device');
  const opened = flags.pci
    ? await openPci(flags.pci, flags, stop)
    : await openTwin(flags.driver ?? DEFAULT_DRIVER, stop, twin);
  ctx.onCleanup(async () => {
    stop.untrack(opened.device);
    await opened.device.close();
  });
  return opened;
}

/** Open the device and bring the driver up on it with the flags' configuration. */
export async function openNic(
  flags: DeviceFlagValues & NicFlagValues,
  ctx: OpenContext,
  overrides: NicConfig = {},
  twin: TwinOptions = {},
): Promise<OpenedNic> {
  const opened = await openDevice(flags, ctx, twin);
  return {
    ...opened,
    driver: await startDriver(
      opened,
      { ...nicConfig(flags, flags.pci !== undefined), ...overrides },
      ctx,
    ),
  };
}

/** Bring the driver up on an opened device; its close is registered as a cleanup. */
export async function startDriver(
  opened: OpenedDevice,
  config: NicConfig,
  ctx: OpenContext,
): Promise<NicDriver> {
  const module = await opened.entry.load();
  const driver = await module.open(opened.device, opened.ir, config, opened.sim?.clock);
  ctx.onCleanup(() => driver.close());
  opened.stop.check('bringing the driver up');
  return driver;
}

async function openTwin(
  name: string,
  stop: StopSignal,
  options: TwinOptions,
): Promise<OpenedDevice> {
  const { driverByName, driverIr } = await import('./driver-registry.js');
  const entry = driverByName(name);
  const ir = await driverIr(entry);
  const { device } = entry.openTwin(ir, {
    sim: { wire: { capture: options.captureWire ?? true } },
  });
  stop.track(device);
  return { entry, ir, device, sim: device, where: 'sim', stop };
}

/**
 * Check the address and the device's ids before touching it: a device no spec lists is
 * refused while it still has its kernel driver.
 */
async function openPci(
  address: string,
  flags: DeviceFlagValues,
  stop: StopSignal,
): Promise<OpenedDevice> {
  const { getPciDevice, pciIds } = await import('../runtime/pci/index.js');
  const { openVfioDevice } = await import('../runtime/open.js');
  const { driverForIds, driverIr } = await import('./driver-registry.js');
  const opts = pciOptions(flags);
  const info = getPciDevice(address, opts);
  const entry = driverForIds(info.vendor, info.device, info.address);
  const ir = await driverIr(entry);
  // Our StopSignal replaces the backend's signal hooks so Ctrl-C can end the run in order.
  const device = openVfioDevice(info.address, {
    ...opts,
    bind: true,
    unsafeNoIommu: flags['unsafe-noiommu'],
    processHooks: false,
  });
  stop.track(device);
  return { entry, ir, device, where: `${info.address} (${pciIds(info)})`, stop };
}
