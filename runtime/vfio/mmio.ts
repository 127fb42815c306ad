/**
 * Mmio over a mapped BAR (or any mapped buffer): one Uint32Array element load or store
 * per call, which V8 compiles to a single 32-bit move. Never Atomics (Atomics.store is an
 * xchg, a read that clears read-to-clear registers such as ICR), never set/fill/copyWithin
 * (they may use wider or repeated accesses).
 *
 * After unmap() the buffer is detached: the view has length 0, element reads give
 * undefined and stores go nowhere, so each access checks that and throws instead.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { native } from '../native.js';
import type { Mmio } from '../types.js';

const REG_BYTES = 4;
const ALIGN_MASK = REG_BYTES - 1;
const INDEX_SHIFT = 2; // byte offset → 32-bit element index

export class BarMmio implements Mmio {
  readonly size: number;
  private readonly u32: Uint32Array;

  constructor(
    private readonly buffer: ArrayBuffer,
    /** What this is, for messages: "BAR0 of 0000:00:02.0". */
    readonly label: string,
  ) {
    this.size = buffer.byteLength;
    this.u32 = new Uint32Array(buffer, 0, this.size >>> INDEX_SHIFT);
  }

  read32(offset: number): number {
    if ((offset & ALIGN_MASK) !== 0) throw this.accessError(offset);
    const value = this.u32[offset >>> INDEX_SHIFT];
    if (value === undefined) throw this.accessError(offset);
    return value;
  }

  write32(offset: number, value: number): void {
    const index = offset >>> INDEX_SHIFT;
    if ((offset & ALIGN_MASK) !== 0 || index >= this.u32.length) throw this.accessError(offset);
    this.u32[index] = value;
  }

  /** Whether unmap() (or a device close) has taken the mapping away. */
  get unmapped(): boolean {
    return this.buffer.byteLength === 0;
  }

  /** Unmap the BAR; later accesses throw E_UNMAPPED. Idempotent. */
  unmap(): void {
    if (!this.unmapped) native().munmap(this.buffer);
  }

  private accessError(offset: number): NicdlError {
    const at = `0x${offset.toString(16)}`;
    if (this.unmapped) {
      return new NicdlError(
        'E_UNMAPPED',
        `${this.label} is unmapped (device closed); access at ${at} refused`,
        ExitCode.usage,
        { offset },
      );
    }
    if ((offset & ALIGN_MASK) !== 0) {
      return new NicdlError(
        'E_MMIO_ALIGN',
        `${this.label}: offset ${at} is not 4-byte aligned`,
        ExitCode.usage,
        { offset },
      );
    }
    return new NicdlError(
      'E_MMIO_RANGE',
      `${this.label}: offset ${at} is outside the ${this.size}-byte BAR`,
      ExitCode.usage,
      { offset },
    );
  }
}
