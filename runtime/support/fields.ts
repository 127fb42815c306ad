/**
 * Checks generated register accessors make on values they cannot represent: a field value
 * wider than its field, an array index out of range. Kept out of line so the accessors
 * stay small enough for V8 to inline; the throw paths are cold.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';

/**
 * Returns `value` when it fits a field whose largest value is `max`, else throws
 * E_FIELD_RANGE naming the field (`what`, e.g. "TCTL.CT"). Silent truncation would write
 * a different value than the caller asked for.
 */
export function fieldValue(value: number, max: number, what: string): number {
  // `>>> 0` keeps the value only when it is already a non-negative 32-bit integer.
  if (value >>> 0 === value && value <= max) return value;
  throw fieldRangeError(value, max, what);
}

/**
 * The E_FIELD_RANGE error generated accessors throw after their own inline range check
 * (`value` does not fit a field whose largest value is `max`).
 */
export function fieldRangeError(value: number, max: number, what: string): NicdlError {
  return new NicdlError(
    'E_FIELD_RANGE',
    `${what}: value ${value} does not fit the field (0..${max})`,
    ExitCode.usage,
    {
      field: what,
      value,
      max,
    },
  );
}

/** The E_REGISTER_INDEX error: `index` is not an element of register array `name[count]`. */
export function registerIndexError(name: string, index: number, count: number): NicdlError {
  return new NicdlError(
    'E_REGISTER_INDEX',
    `${name}[${index}]: index out of range (the array has ${count} elements, 0..${count - 1})`,
    ExitCode.usage,
    { register: name, index, count },
  );
}

/** True when `index` is an integer in 0..count-1 (what every array accessor checks). */
export function isIndex(index: number, count: number): boolean {
  return index >= 0 && index < count && (index | 0) === index;
}
