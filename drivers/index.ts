/**
 * The driver packages nicdl knows, so the CLI can pick one by a device's PCI ids (or by
 * name, e.g. for `--sim`) without importing every driver: `load()` imports the driver
 * itself on demand, `irJson()` the IR its code was generated from; `openTwin()` opens the
 * driver's device twin for an IR.
 */
import type { NicDriverModule } from '../runtime/nic.js';
import type { SimDevice, SimDeviceOptions } from '../runtime/sim/index.js';
import type { Device as IrDevice } from '../spec/ir.js';
import { driverSpecPath } from './spec-path.js';
import { device as e1000Device } from './e1000/generated/constants.js';
import { openE1000Twin, type E1000Twin, type E1000TwinOptions } from './e1000/twin/index.js';
import { device as e1000eDevice } from './e1000e/generated/constants.js';
import { openE1000eTwin, type E1000eTwin } from './e1000e/twin/index.js';

export interface DriverPackage {
  /** Driver name, the spec's device name. */
  name: string;
  /** Absolute path of the driver's .nicdl spec. */
  specPath: string;
  /** PCI ids the driver's generated code supports. */
  pci: readonly { vendor: number; device: number; name?: string }[];
  /** The IR generated code was made from, as JSON (generated/ir.ts; check before use). */
  irJson(): Promise<string>;
  /** Import the driver. */
  load(): Promise<NicDriverModule>;
  /** Open a device twin of `ir` (the simulated device the driver runs on with `--sim`). */
  openTwin(
    ir: IrDevice,
    options?: { twin?: E1000TwinOptions; sim?: SimDeviceOptions },
  ): { device: SimDevice; twin: E1000Twin | E1000eTwin };
}

export const DRIVERS: readonly DriverPackage[] = [
  {
    name: e1000Device.name,
    specPath: driverSpecPath('e1000', 'e1000.nicdl'),
    pci: e1000Device.pci,
    irJson: async () => (await import('./e1000/generated/ir.js')).IR_JSON,
    load: async () => (await import('./e1000/index.js')).default,
    openTwin: (ir, options = {}) => openE1000Twin(ir, options.twin, options.sim),
  },
  {
    name: e1000eDevice.name,
    specPath: driverSpecPath('e1000e', 'e1000e.nicdl'),
    pci: e1000eDevice.pci,
    irJson: async () => (await import('./e1000e/generated/ir.js')).IR_JSON,
    load: async () => (await import('./e1000e/index.js')).default,
    openTwin: (ir, options = {}) => openE1000eTwin(ir, options.twin, options.sim),
  },
];

/** The driver package named `name`, or undefined. */
export function driverByName(name: string): DriverPackage | undefined {
  return DRIVERS.find((d) => d.name === name);
}

/** The driver package for a device with these PCI ids, or undefined. */
export function driverForIds(vendor: number, device: number): DriverPackage | undefined {
  return DRIVERS.find((d) => d.pci.some((p) => p.vendor === vendor && p.device === device));
}
