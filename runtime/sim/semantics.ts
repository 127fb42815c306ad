/**
 * Access semantics of one register word, as pure functions of the word's spec, its
 * stored value and the value software reads or writes. Shared by BAR registers and
 * registers of indirect spaces. Vocabulary as spec/ir.ts `Access` (SystemRDL's
 * sw/onread/onwrite): ro, rw, wo, rc (rclr), w1c (woclr), w1s (woset).
 */
import type { WordSpec } from './register-map.js';

/** The value a software read returns: write-only bits read as 0. */
export function readValue(spec: WordSpec, stored: number): number {
  return (stored & ~spec.wo & spec.widthMask) >>> 0;
}

/** The stored value after a software read: clear-on-read bits are cleared. */
export function afterRead(spec: WordSpec, stored: number): number {
  return (stored & ~spec.rc) >>> 0;
}

/**
 * The stored value after software writes `value`: ro and rc bits keep their value,
 * rw and wo bits take the written value, w1c bits clear where 1 is written, w1s bits
 * set where 1 is written. Self-clearing bits are stored as written here; the caller
 * clears them once the device has acted on the write.
 */
export function afterWrite(spec: WordSpec, stored: number, value: number): number {
  const x = value & spec.widthMask;
  const kept = stored & (spec.ro | spec.rc);
  const written = x & (spec.rw | spec.wo);
  const cleared = stored & spec.w1c & ~x;
  const set = (stored | x) & spec.w1s;
  return (kept | written | cleared | set) >>> 0;
}

export interface WriteViolation {
  code: string;
  message: string;
}

/**
 * What a write does wrong, if anything: any write to a read-only or clear-on-read
 * register, or a write that tries to change a read-only field of a writable register.
 * (Writing back the value just read, as a read-modify-write does, is not a violation.)
 */
export function writeViolation(
  spec: WordSpec,
  stored: number,
  value: number,
): WriteViolation | undefined {
  if (spec.access === 'ro') {
    return {
      code: 'E_SIM_RO_WRITE',
      message: `write of 0x${hex(value)} to read-only register ${spec.name} ignored`,
    };
  }
  if (spec.access === 'rc') {
    return {
      code: 'E_SIM_RC_WRITE',
      message: `write of 0x${hex(value)} to clear-on-read register ${spec.name} ignored`,
    };
  }
  const changedRo = (value ^ stored) & spec.fieldRo;
  if (changedRo !== 0) {
    return {
      code: 'E_SIM_RO_FIELD_WRITE',
      message: `write of 0x${hex(value)} to ${spec.name} tries to change read-only bits 0x${hex(changedRo >>> 0)}; ignored`,
    };
  }
  return undefined;
}

function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
