/**
 * Sequences: registers and fields looked up, values resolved (a parameter, else an enum
 * value of the field being assigned, else a constant), times converted to microseconds.
 * Access, time limits and calls are checked later (spec/checks/sequence-*.ts).
 */
import type {
  FieldAssign,
  Ident,
  NumExpr,
  RegTarget,
  SequenceNode,
  StepNode,
  TimeNode,
} from '../../dsl/ast.js';
import { didYouMean } from '../../dsl/suggest.js';
import type { Sequence, Step, Value } from '../ir.js';
import type { FieldModel, RegisterModel, SequenceModel, StepModel } from '../model.js';
import type { LowerContext } from './context.js';

const US_PER = { us: 1, ms: 1000, s: 1_000_000 } as const;

export function lowerSequence(cx: LowerContext, node: SequenceNode): SequenceModel {
  const params = node.params.map((p) => p.name);
  const ir: Sequence = { name: node.name.name, params, steps: [], loc: node.loc };
  if (node.doc !== undefined) ir.doc = node.doc;
  for (const m of node.mods) ir.ref = m.text.value;
  const steps = node.steps.map((s) => lowerStep(cx, s, new Set(params)));
  ir.steps = steps.map((s) => s.ir);
  return { ir, node, steps };
}

function lowerStep(cx: LowerContext, node: StepNode, params: Set<string>): StepModel {
  const loc = node.loc;
  switch (node.kind) {
    case 'delay':
      return { ir: { op: 'delay', us: time(cx, node.time) ?? 0, loc }, node, assigns: [] };
    case 'call':
      return { ir: { op: 'call', sequence: node.name.name, loc }, node, assigns: [] };
    default:
      break;
  }
  const reg = target(cx, node.target);
  const at = { register: node.target.reg.name, ...index(cx, node.target) };
  const model: StepModel = { ir: { op: 'read', ...at, loc }, node, reg, assigns: [] };
  const value = (expr: NumExpr, field?: FieldModel): Value => resolveValue(cx, expr, params, field);
  switch (node.kind) {
    case 'read':
      return model;
    case 'write': {
      model.assigns = assigns(cx, reg, node.fields ?? []);
      const fields = assignValues(model, node.fields ?? [], value);
      model.ir = {
        op: 'write',
        ...at,
        value: node.value ? value(node.value) : { kind: 'const', value: 0 },
        fields,
        loc,
      };
      return model;
    }
    case 'modify': {
      model.assigns = assigns(cx, reg, node.fields);
      model.ir = { op: 'modify', ...at, fields: assignValues(model, node.fields, value), loc };
      return model;
    }
    case 'set':
    case 'clear': {
      model.field = reg ? field(cx, reg, node.field) : undefined;
      const f = model.field?.ir;
      const ones = f ? 2 ** (f.msb - f.lsb + 1) - 1 : 0;
      const v: Value = { kind: 'const', value: node.kind === 'set' ? ones : 0 };
      model.ir = { op: 'modify', ...at, fields: [{ field: node.field.name, value: v }], loc };
      return model;
    }
    case 'wait': {
      model.field = reg && node.field ? field(cx, reg, node.field) : undefined;
      const ir: Step = {
        op: 'wait',
        ...at,
        cmp: node.cmp.value,
        value: value(node.value, model.field),
        timeoutUs: node.within ? (time(cx, node.within) ?? 0) : 0,
        intervalUs: node.every ? (time(cx, node.every) ?? 0) : DEFAULT_POLL_US,
        loc,
      };
      if (node.field) ir.field = node.field.name;
      model.ir = ir;
      return model;
    }
  }
}

/** Poll interval when a wait gives no `every` (the IR's default too). */
const DEFAULT_POLL_US = 10;

function target(cx: LowerContext, t: RegTarget): RegisterModel | undefined {
  return cx.lookup(cx.model.byName.register, t.reg, 'NDL103');
}

function index(cx: LowerContext, t: RegTarget): { index?: number } {
  if (!t.index) return {};
  const i = cx.num(t.index);
  return i === undefined ? {} : { index: i };
}

function field(cx: LowerContext, reg: RegisterModel, id: Ident): FieldModel | undefined {
  const found = reg.fields.find((f) => f.ir.name === id.name);
  if (!found && !reg.broken) {
    cx.report(
      'NDL104',
      id.loc,
      { register: reg.ir.name, name: id.name },
      {
        hint: didYouMean(
          id.name,
          reg.fields.map((f) => f.ir.name),
        ),
      },
    );
  }
  return found;
}

function assigns(
  cx: LowerContext,
  reg: RegisterModel | undefined,
  list: readonly FieldAssign[],
): StepModel['assigns'] {
  if (!reg) return [];
  return list.flatMap((a) => {
    const f = field(cx, reg, a.field);
    return f ? [{ field: f, value: undefined, span: a.value.loc, nameSpan: a.field.loc }] : [];
  });
}

/** IR field values, filling in the resolved constant of each assignment the checks will size. */
function assignValues(
  model: StepModel,
  list: readonly FieldAssign[],
  value: (e: NumExpr, f?: FieldModel) => Value,
) {
  return list.map((a) => {
    const m = model.assigns.find((x) => x.nameSpan === a.field.loc);
    const v = value(a.value, m?.field);
    if (m && v.kind === 'const') m.value = v.value;
    return { field: a.field.name, value: v };
  });
}

function resolveValue(
  cx: LowerContext,
  expr: NumExpr,
  params: Set<string>,
  field?: FieldModel,
): Value {
  if (expr.kind === 'num')
    return { kind: 'const', value: Number.isNaN(expr.value) ? 0 : expr.value };
  const name = expr.name;
  if (params.has(name)) return { kind: 'param', name };
  const e = field?.ir.enum?.find((v) => v.name === name);
  if (e) return { kind: 'const', value: e.value };
  if (cx.constNodes.has(name)) return { kind: 'const', value: cx.constant(name, expr.loc) ?? 0 };
  if (!cx.model.poisoned.has(name)) {
    const enumNames = field?.ir.enum?.map((v) => v.name) ?? [];
    const candidates = field?.ir.enum
      ? `a parameter, an enum value of '${field.ir.name}' or a constant`
      : 'a parameter or a constant';
    cx.report(
      'NDL109',
      expr.loc,
      { name, candidates },
      { hint: didYouMean(name, [...params, ...enumNames, ...cx.constNodes.keys()]) },
    );
  }
  return { kind: 'const', value: 0 };
}

function time(cx: LowerContext, t: TimeNode): number | undefined {
  const v = cx.num(t.value);
  return v === undefined ? undefined : Math.round(v * US_PER[t.unit.value]);
}
