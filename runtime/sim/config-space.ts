/**
 * A minimal PCI configuration space for the twin (PCI Local Bus Spec 3.0 §6.1): the
 * identity from the IR, the command register (whose bus-master bit gates the twin's
 * DMA), the class code of a network controller and the BAR sizes. Enough for a
 * driver's identity checks and enableBusMaster(); capabilities are not modelled.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';

const CONFIG_BYTES = 256;
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_COMMAND_MEMORY = 1 << 1;
export const PCI_COMMAND_MASTER = 1 << 2;
const PCI_CLASS_PROG = 0x09;
const PCI_CLASS_NETWORK_ETHERNET = 0x020000;
const PCI_HEADER_TYPE = 0x0e;
const PCI_BAR0 = 0x10;
const PCI_BAR_BYTES = 4;
const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
const PCI_SUBSYSTEM_ID = 0x2e;
const PCI_INTERRUPT_PIN = 0x3d;
const PCI_INTERRUPT_PIN_A = 1;

export interface ConfigIdentity {
  vendor: number;
  device: number;
  subsystemVendor?: number;
  subsystemDevice?: number;
}

export class ConfigSpace {
  private readonly bytes = new Uint8Array(CONFIG_BYTES);
  private readonly view = new DataView(this.bytes.buffer);

  constructor(
    identity: ConfigIdentity,
    bars: { index: number; size: number }[],
    private readonly onCommand: (command: number) => void,
  ) {
    this.view.setUint16(PCI_VENDOR_ID, identity.vendor, true);
    this.view.setUint16(PCI_DEVICE_ID, identity.device, true);
    this.view.setUint16(PCI_COMMAND, PCI_COMMAND_MEMORY, true);
    this.view.setUint32(PCI_CLASS_PROG, PCI_CLASS_NETWORK_ETHERNET, true);
    this.bytes[PCI_HEADER_TYPE] = 0;
    this.view.setUint16(PCI_SUBSYSTEM_VENDOR_ID, identity.subsystemVendor ?? identity.vendor, true);
    this.view.setUint16(PCI_SUBSYSTEM_ID, identity.subsystemDevice ?? identity.device, true);
    this.bytes[PCI_INTERRUPT_PIN] = PCI_INTERRUPT_PIN_A;
    // BAR registers hold an address; the twin has none, so they read as 0 (memory, 32-bit).
    for (const bar of bars) this.view.setUint32(PCI_BAR0 + bar.index * PCI_BAR_BYTES, 0, true);
  }

  read(offset: number, width: 1 | 2 | 4): number {
    this.check(offset, width);
    if (width === 1) return this.bytes[offset];
    if (width === 2) return this.view.getUint16(offset, true);
    return this.view.getUint32(offset, true);
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    this.check(offset, width);
    // Only the command register is writable in the twin; identity and class are read-only.
    if (offset > PCI_COMMAND + 1 || offset + width <= PCI_COMMAND) return;
    if (width === 1) this.bytes[offset] = value;
    else if (width === 2) this.view.setUint16(offset, value, true);
    // A 32-bit write at 0x04 also covers the status register, which the twin keeps at 0.
    else this.view.setUint16(PCI_COMMAND, value & 0xffff, true);
    this.onCommand(this.view.getUint16(PCI_COMMAND, true));
  }

  /** Set or clear bits of the command register (as enableBusMaster / quiesce do). */
  updateCommand(set: number, clear: number): void {
    const command = (this.view.getUint16(PCI_COMMAND, true) | set) & ~clear;
    this.view.setUint16(PCI_COMMAND, command, true);
    this.onCommand(command);
  }

  private check(offset: number, width: number): void {
    if (
      !Number.isInteger(offset) ||
      offset < 0 ||
      offset + width > CONFIG_BYTES ||
      offset % width !== 0
    ) {
      throw new NicdlError(
        'E_SIM_CONFIG_RANGE',
        `config space access of ${width} bytes at 0x${offset.toString(16)} is out of range or unaligned`,
        ExitCode.usage,
        { offset, width },
      );
    }
  }
}
