/**
 * Sequence steps as a reader sees them in the spec (`wait CTRL.RST == 0 within 10000 us`),
 * for comments in generated code and for the docs.
 */
import type { Step, Value } from '../spec/ir.js';
import { hex } from './emit.js';

export function describeValue(v: Value): string {
  if (v.kind === 'param') return v.name;
  return v.value > 9 ? hex(v.value, 2) : String(v.value);
}

export function describeStep(step: Step): string {
  const reg = 'register' in step ? `${step.register}${step.index !== undefined ? `[${step.index}]` : ''}` : '';
  const fields = (fs: Array<{ field: string; value: Value }>) => `{ ${fs.map((f) => `${f.field} = ${describeValue(f.value)}`).join(', ')} }`;
  switch (step.op) {
    case 'write':
      return step.fields.length > 0 ? `write ${reg} = ${describeValue(step.value)} ${fields(step.fields)}` : `write ${reg} = ${describeValue(step.value)}`;
    case 'modify':
      return `modify ${reg} ${fields(step.fields)}`;
    case 'read':
      return `read ${reg}`;
    case 'wait':
      return `wait ${reg}${step.field ? `.${step.field}` : ''} ${step.cmp} ${describeValue(step.value)} within ${step.timeoutUs} us every ${step.intervalUs} us`;
    case 'delay':
      return `delay ${step.us} us`;
    case 'call':
      return `call ${step.sequence}`;
  }
}

