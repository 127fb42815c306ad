/**
 * The CLI's use of the driver registry (drivers/index.ts): a driver by name or by PCI ids,
 * refused with a typed error naming what exists, and its spec's IR, loaded once per
 * process (compiling a spec is the slow part of start-up).
 */
import { ExitCode, NicdlError } from '../spec/errors.js';
import type { Device as IrDevice } from '../spec/ir.js';
import { DRIVERS, type DriverPackage } from '../drivers/index.js';

export type { DriverPackage } from '../drivers/index.js';

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export function driverByName(name: string): DriverPackage {
  const entry = DRIVERS.find((d) => d.name === name);
  if (entry) return entry;
  const available = DRIVERS.map((d) => d.name);
  throw new NicdlError(
    'E_UNKNOWN_DRIVER',
    `no driver named '${name}'; available: ${available.join(', ') || 'none'}`,
    ExitCode.usage,
    {
      driver: name,
      available,
    },
  );
}

/** The driver whose spec lists vendor:device, or E_UNSUPPORTED_DEVICE naming the ids. */
export function driverForIds(vendor: number, device: number, address: string): DriverPackage {
  const entry = DRIVERS.find((d) => d.pci.some((p) => p.vendor === vendor && p.device === device));
  if (entry) return entry;
  const known = DRIVERS.map(
    (d) => `${d.name}: ${d.pci.map((p) => `${hex4(p.vendor)}:${hex4(p.device)}`).join(', ')}`,
  );
  throw new NicdlError(
    'E_UNSUPPORTED_DEVICE',
    `${address} is ${hex4(vendor)}:${hex4(device)}, which no nicdl spec lists (${known.join('; ') || 'no drivers'})`,
    ExitCode.unsupported,
    { address, vendor: hex4(vendor), device: hex4(device) },
  );
}

const irs = new Map<string, IrDevice>();

/**
 * The IR of a driver's spec (loaded once per process): the one its generated code carries
 * while the spec files on disk are unchanged, else compiled from the spec (which also
 * reports a broken spec), without loading the compiler on the usual path.
 */
export async function driverIr(entry: DriverPackage): Promise<IrDevice> {
  const cached = irs.get(entry.specPath);
  if (cached) return cached;
  const ir =
    (await precompiled(entry)) ?? (await import('../spec/index.js')).loadIr(entry.specPath);
  irs.set(entry.specPath, ir);
  return ir;
}

async function precompiled(entry: DriverPackage): Promise<IrDevice | undefined> {
  const { precompiledIr } = await import('../spec/precompiled.js');
  return precompiledIr(await entry.irJson(), entry.specPath);
}
