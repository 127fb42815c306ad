/**
 * The flags every hardware command shares: which device (`--sim` twin or `--pci`
 * address), and how the driver sets it up (rings, buffers, frame size, filters,
 * interrupt moderation and mode). Parsing them into a NicConfig lives here too.
 */
import { Flags } from '@oclif/core';
import { ExitCode, NicdlError } from '../spec/errors.js';
import type { CoalescingProfile, NicConfig } from '../runtime/nic.js';
import { pciRootFlags } from './pci-flags.js';

export const DEFAULT_DRIVER = 'e1000';

/** Where the device is: the twin of a driver, or a PCI device through VFIO. */
export const deviceFlags = {
  sim: Flags.boolean({
    description: 'use the device twin of --driver (the default when --pci is not given)',
    exclusive: ['pci'],
  }),
  pci: Flags.string({
    description:
      'PCI address of the NIC, e.g. 0000:00:02.0 (bound to vfio-pci for the run, given back after)',
    exclusive: ['sim'],
    helpValue: 'ADDR',
  }),
  driver: Flags.string({
    description: 'driver to use on the twin (with --pci the device ids choose it)',
    default: DEFAULT_DRIVER,
  }),
  'unsafe-noiommu': Flags.boolean({
    description: 'allow a device without an IOMMU (no DMA isolation; kernel no-IOMMU mode)',
  }),
  ...pciRootFlags,
};

/** How the driver sets the device up. Absent flags leave the driver's (spec) defaults. */
export const nicFlags = {
  'rx-ring': Flags.integer({
    description: 'RX descriptors (default from the spec, 256)',
    min: 1,
    helpValue: 'N',
  }),
  'tx-ring': Flags.integer({
    description: 'TX descriptors (default from the spec, 256)',
    min: 1,
    helpValue: 'N',
  }),
  'tx-report-every': Flags.integer({
    description:
      'ask for a TX status write-back (RS) on every Nth descriptor and the last of each burst (default 32; 1 = every descriptor)',
    min: 1,
    helpValue: 'N',
  }),
  buffer: Flags.integer({
    description: 'bytes per RX buffer (default from the spec, 2048)',
    min: 1,
    helpValue: 'BYTES',
  }),
  'max-frame': Flags.integer({
    description:
      'largest frame sent or expected, without CRC (default 1514; larger needs jumbo support)',
    min: 1,
    helpValue: 'BYTES',
  }),
  promisc: Flags.boolean({ description: 'receive every frame, whatever its destination' }),
  coalesce: Flags.string({
    description: 'interrupt moderation: latency, throughput, off, or a minimum gap in microseconds',
    helpValue: 'latency|throughput|off|US',
  }),
  irq: Flags.boolean({
    description: 'sleep on interrupts when no frame is waiting (the default with --pci)',
    exclusive: ['poll'],
  }),
  poll: Flags.boolean({
    description: 'poll the ring when no frame is waiting (the default on the twin)',
    exclusive: ['irq'],
  }),
};

export interface NicFlagValues {
  'rx-ring'?: number;
  'tx-ring'?: number;
  'tx-report-every'?: number;
  buffer?: number;
  'max-frame'?: number;
  promisc?: boolean;
  coalesce?: string;
  irq?: boolean;
  poll?: boolean;
}

/**
 * The NicConfig the flags ask for (only what was given: the driver fills the rest).
 *
 * On hardware (`onHardware`) an idle driver sleeps on interrupts unless --poll: a busy
 * poll holds a CPU the device may need (under QEMU's TCG the emulated NIC runs on the same
 * host cores; the QEMU bench measured RX at 0.7x with polling against interrupt-driven
 * waits), while every frame that is already there is still taken without an interrupt.
 * The twin keeps polling by default: its virtual clock makes a poll free.
 */
export function nicConfig(flags: NicFlagValues, onHardware = false): NicConfig {
  const config: NicConfig = {};
  if (flags['rx-ring'] !== undefined) config.rxRingSize = flags['rx-ring'];
  if (flags['tx-ring'] !== undefined) config.txRingSize = flags['tx-ring'];
  if (flags['tx-report-every'] !== undefined) config.txReportEvery = flags['tx-report-every'];
  if (flags.buffer !== undefined) config.rxBufferBytes = flags.buffer;
  if (flags['max-frame'] !== undefined) config.maxFrameBytes = flags['max-frame'];
  if (flags.promisc) config.promiscuous = true;
  if (flags.coalesce !== undefined) config.coalescing = parseCoalescing(flags.coalesce);
  if (flags.irq || (onHardware && !flags.poll)) config.mode = 'interrupt';
  else if (flags.poll) config.mode = 'poll';
  return config;
}

const PROFILES = ['latency', 'throughput', 'off'] as const;

/** "latency" | "throughput" | "off" | microseconds (the minimum gap between interrupts). */
export function parseCoalescing(text: string): CoalescingProfile {
  const name = text.trim().toLowerCase();
  if ((PROFILES as readonly string[]).includes(name))
    return { profile: name as (typeof PROFILES)[number] };
  if (/^\d+$/.test(name)) return { profile: 'custom', intervalUs: Number(name) };
  throw new NicdlError(
    'E_BAD_FLAG',
    `--coalesce ${text}: expected latency, throughput, off or a whole number of microseconds`,
    ExitCode.usage,
    { flag: 'coalesce', value: text },
  );
}

/** "throughput" or "custom (gap 50 us)" for the set-up summary. */
export function describeCoalescing(c: CoalescingProfile): string {
  if (c.profile !== 'custom') return c.profile;
  const parts = [
    c.intervalUs !== undefined ? `gap ${c.intervalUs} us` : '',
    c.rxDelayUs !== undefined ? `rx delay ${c.rxDelayUs} us` : '',
    c.txDelayUs !== undefined ? `tx delay ${c.txDelayUs} us` : '',
  ].filter(Boolean);
  return `custom${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
