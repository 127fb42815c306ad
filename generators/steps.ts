/**
 * Sequence steps as a reader sees them in the spec (`wait CTRL.RST == 0 within 10000 us`),
 * for comments in generated code and for the docs.
 */
import type { Descriptor, Field, PostAssign, Step, Value } from '../spec/ir.js';
import { fieldMask } from './layout.js';
import { duration, hex } from './emit.js';

export function describeValue(v: Value): string {
  if (v.kind === 'param') return v.name;
  return v.value > 9 ? hex(v.value, 2) : String(v.value);
}

export function describeStep(step: Step): string {
  const reg =
    'register' in step
      ? `${step.register}${step.index !== undefined ? `[${step.index}]` : ''}`
      : '';
  const fields = (fs: Array<{ field: string; value: Value }>) =>
    `{ ${fs.map((f) => `${f.field} = ${describeValue(f.value)}`).join(', ')} }`;
  switch (step.op) {
    case 'write':
      return step.fields.length > 0
        ? `write ${reg} = ${describeValue(step.value)} ${fields(step.fields)}`
        : `write ${reg} = ${describeValue(step.value)}`;
    case 'modify':
      return `modify ${reg} ${fields(step.fields)}`;
    case 'read':
      return `read ${reg}`;
    case 'wait':
      return `wait ${reg}${step.field ? `.${step.field}` : ''} ${step.cmp} ${describeValue(step.value)} within ${duration(step.timeoutUs)} every ${duration(step.intervalUs)}`;
    case 'delay':
      return `delay ${duration(step.us)}`;
    case 'call':
      return `call ${step.sequence}`;
  }
}

/**
 * A constant written to a descriptor field, in the field's own terms: its bit names
 * (`EOP | IFCS | RS`), multi-bit fields as `NAME(v)`, leftover bits in hex; a field without
 * bits, or 0, as a number.
 */
export function describeBits(value: number, bits: readonly Field[] | undefined): string {
  if (!bits || bits.length === 0 || value === 0) return value > 9 ? hex(value, 2) : String(value);
  const parts: string[] = [];
  let rest = value >>> 0;
  for (const b of [...bits].sort((x, y) => x.lsb - y.lsb)) {
    const mask = fieldMask(b);
    const v = ((rest & mask) >>> 0) / 2 ** b.lsb;
    if (v === 0) continue;
    parts.push(b.msb === b.lsb ? b.name : `${b.name}(${v})`);
    rest = (rest & ~mask) >>> 0;
  }
  if (rest !== 0) parts.push(hex(rest, 2));
  return parts.join(' | ');
}

/** One `on post` assignment as the spec reads: `cmd = EOP | IFCS | RS`, `addr = buffer`. */
export function describePost(desc: Descriptor | undefined, p: PostAssign): string {
  if (p.source !== 'const') return `${p.field} = ${p.source}`;
  const bits = desc?.fields.find((f) => f.name === p.field)?.bits;
  return `${p.field} = ${describeBits(p.value ?? 0, bits)}`;
}
