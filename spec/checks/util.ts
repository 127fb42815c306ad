/** Small helpers shared by the checks. */
import type { Span } from '../../dsl/ast.js';
import type { Access, Field } from '../ir.js';
import type { FieldModel, RegisterModel, StepModel } from '../model.js';

export const BITS_PER_BYTE = 8;

/** Bytes one register (or one array element) occupies: a split u64 is two 32-bit words. */
export function bytesOf(reg: RegisterModel): number {
  return reg.ir.width / BITS_PER_BYTE;
}

/** `0x0040`: offsets print as at least four hex digits, as the datasheet writes them. */
export function hex4(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Software may read it (a write-only register reads as an undefined value). */
export function readable(access: Access): boolean {
  return access !== 'wo';
}

/** A write stores (or acts on) what software writes; ro and rc registers ignore writes. */
export function writable(access: Access): boolean {
  return access !== 'ro' && access !== 'rc';
}

export function fieldAccess(reg: RegisterModel, field: Field): Access {
  return field.access ?? reg.ir.access;
}

export function bitsText(f: Field): string {
  return f.msb === f.lsb ? `${f.msb}` : `${f.msb}:${f.lsb}`;
}

export function fieldBits(f: Field): number {
  return f.msb - f.lsb + 1;
}

/** The register name token of a step (every register step has a target). */
export function targetSpan(step: StepModel): Span {
  const n = step.node;
  return 'target' in n ? n.target.reg.loc : n.loc;
}

/** Steps that read the register before writing it: modify, set and clear. */
export function isReadModifyWrite(step: StepModel): boolean {
  return step.ir.op === 'modify';
}

/** Steps that read the register: read, wait and the read half of a modify. */
export function reads(step: StepModel): boolean {
  return step.ir.op === 'read' || step.ir.op === 'wait' || step.ir.op === 'modify';
}

/** Steps that write the register: write and the write half of a modify. */
export function writes(step: StepModel): boolean {
  return step.ir.op === 'write' || step.ir.op === 'modify';
}

/** Fields a write or modify step sets: the assigned ones, or the one `set`/`clear` names. */
export function writtenFields(step: StepModel): Array<{ field: FieldModel; span: Span }> {
  if (step.assigns.length > 0)
    return step.assigns.map((a) => ({ field: a.field, span: a.nameSpan }));
  if (step.field && (step.node.kind === 'set' || step.node.kind === 'clear'))
    return [{ field: step.field, span: step.node.field.loc }];
  return [];
}
