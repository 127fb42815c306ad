/**
 * PCI configuration space through the VFIO config region (pread/pwrite on the device fd
 * at the region's offset), little-endian, and the command register bits nicdl toggles.
 */
import { readSync, writeSync } from 'node:fs';
import { ExitCode, NicdlError } from '../../spec/errors.js';

/** PCI Local Bus spec 3.0 §6.2.2: the command register and its bits. */
export const PCI_COMMAND = 0x04;
export const PCI_COMMAND_MEMORY = 1 << 1;
export const PCI_COMMAND_MASTER = 1 << 2;
/** Type 0 header, §6.1. */
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;

export type ConfigWidth = 1 | 2 | 4;

export class ConfigSpace {
  private readonly scratch = Buffer.alloc(4);

  constructor(
    private readonly fd: number,
    /** Where the config region starts in the device fd. */
    private readonly regionOffset: number,
    /** Region size (256 for conventional PCI, 4096 for PCIe). */
    readonly size: number,
    private readonly label: string,
  ) {}

  read(offset: number, width: ConfigWidth): number {
    this.check(offset, width);
    const n = readSync(this.fd, this.scratch, 0, width, this.regionOffset + offset);
    if (n !== width) throw this.shortError('read', offset, width, n);
    return width === 1
      ? this.scratch.readUInt8(0)
      : width === 2
        ? this.scratch.readUInt16LE(0)
        : this.scratch.readUInt32LE(0);
  }

  write(offset: number, width: ConfigWidth, value: number): void {
    this.check(offset, width);
    if (width === 1) this.scratch.writeUInt8(value & 0xff, 0);
    else if (width === 2) this.scratch.writeUInt16LE(value & 0xffff, 0);
    else this.scratch.writeUInt32LE(value >>> 0, 0);
    const n = writeSync(this.fd, this.scratch, 0, width, this.regionOffset + offset);
    if (n !== width) throw this.shortError('write', offset, width, n);
  }

  /** Set or clear `bits` of the command register (read-modify-write of 16 bits). */
  setCommandBits(bits: number, on: boolean): void {
    const command = this.read(PCI_COMMAND, 2);
    const next = on ? command | bits : command & ~bits;
    if (next !== command) this.write(PCI_COMMAND, 2, next);
  }

  private check(offset: number, width: ConfigWidth): void {
    if (
      !Number.isInteger(offset) ||
      offset < 0 ||
      offset + width > this.size ||
      offset % width !== 0
    ) {
      throw new NicdlError(
        'E_CONFIG_RANGE',
        `${this.label}: config access of ${width} bytes at 0x${offset.toString(16)} is outside or misaligned (space is ${this.size} bytes)`,
        ExitCode.usage,
      );
    }
  }

  private shortError(op: string, offset: number, width: number, n: number): NicdlError {
    return new NicdlError(
      'E_VFIO',
      `${this.label}: config ${op} at 0x${offset.toString(16)} moved ${n} of ${width} bytes`,
      ExitCode.deviceFault,
    );
  }
}
