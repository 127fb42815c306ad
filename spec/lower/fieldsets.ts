/**
 * Fieldsets (`fieldset NAME { FIELD* }`): lowered once, like a register's fields; each
 * register that names one (`fields NAME`) copies them (spec/lower/registers.ts).
 */
import type { FieldsetNode } from '../../dsl/ast.js';
import type { FieldModel, FieldsetModel } from '../model.js';
import type { LowerContext } from './context.js';
import { lowerField } from './registers.js';

export function lowerFieldset(cx: LowerContext, node: FieldsetNode): FieldsetModel {
  const lowered = node.fields.map((f) => lowerField(cx, f));
  const fields = lowered.filter((f): f is FieldModel => f.ir !== undefined);
  return { node, fields, broken: fields.length !== lowered.length, used: false };
}
