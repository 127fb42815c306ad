/**
 * Bit-field expressions and types for generated TypeScript: how a field is read out of a
 * 32-bit value and written into one, as inline operators with the constants folded in.
 * Registers, descriptor bit fields and sequences all go through these, so a field is
 * encoded the same way wherever it appears.
 */
import type { Field } from '../../spec/ir.js';
import { enumIsTotal, fieldMask, fieldMax, fieldWidth, WORD_BITS } from '../layout.js';
import { hex, hex32, pascal } from '../emit.js';

/** Name of the const object (and literal-union type) holding a field's enum values. */
export function enumTypeName(owner: string, field: Field): string {
  return `${pascal(owner)}${pascal(field.name)}`;
}

/** The TypeScript type a field setter accepts. */
export function fieldInputType(owner: string, f: Field): string {
  if (f.enum) return enumTypeName(owner, f);
  return fieldWidth(f) === 1 ? 'boolean | 0 | 1' : 'number';
}

/** The TypeScript type a field getter returns. */
export function fieldOutputType(owner: string, f: Field): string {
  if (f.enum && enumIsTotal(f)) return enumTypeName(owner, f);
  return fieldWidth(f) === 1 ? '0 | 1' : 'number';
}

/** `v`'s field as an expression (`v` must be an identifier or parenthesised). */
export function getBits(v: string, f: Pick<Field, 'lsb' | 'msb'>): string {
  if (f.lsb === 0 && f.msb === WORD_BITS - 1) return `${v} >>> 0`;
  if (f.msb === WORD_BITS - 1) return `${v} >>> ${f.lsb}`;
  const max = fieldMax(f);
  const maxLit = max > 0xffff ? hex(max, 8) : max <= 9 ? String(max) : hex(max, 2);
  return f.lsb === 0 ? `${v} & ${maxLit}` : `(${v} >>> ${f.lsb}) & ${maxLit}`;
}

/** The getter expression with the cast its output type needs. */
export function getField(v: string, owner: string, f: Field): string {
  const type = fieldOutputType(owner, f);
  const expr = getBits(v, f);
  return type === 'number' ? expr : `(${expr}) as ${type}`;
}

/**
 * `v` with the field replaced by `x`, as a signed 32-bit expression (callers add `>>> 0`
 * where the unsigned value matters). One-bit fields take a boolean-ish `x`; others are
 * shifted and masked, so a value wider than the field cannot spill into its neighbours.
 */
export function setBits(
  v: string,
  f: Pick<Field, 'lsb' | 'msb'>,
  x: string,
  maskDigits = 8,
): string {
  const mask = maskDigits === 8 ? hex32(fieldMask(f)) : hex(fieldMask(f), maskDigits);
  if (fieldWidth(f) === 1) return `${x} ? ${v} | ${mask} : ${v} & ~${mask}`;
  if (f.lsb === 0 && f.msb === WORD_BITS - 1) return `${x}`;
  const shifted = f.lsb === 0 ? x : `(${x} << ${f.lsb})`;
  return `(${v} & ~${mask}) | (${shifted} & ${mask})`;
}

/** A constant field value placed at its position, as an unsigned number (for folding). */
export function placeConst(f: Pick<Field, 'lsb' | 'msb'>, value: number): number {
  return (((value * 2 ** f.lsb) % 2 ** WORD_BITS) & fieldMask(f)) >>> 0;
}
