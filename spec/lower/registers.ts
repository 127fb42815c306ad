/**
 * Registers and their fields: numbers resolved, defaults applied (BAR 0, stride = the
 * element size), field resets folded into the register's reset value.
 */
import type { FieldNode, RegisterMod, RegisterNode } from '../../dsl/ast.js';
import type { EnumValue, Field, Register } from '../ir.js';
import type { FieldModel, RegisterModel } from '../model.js';
import { type LowerContext, WIDTH_BITS } from './context.js';

const BITS_PER_BYTE = 8;

export function lowerRegister(cx: LowerContext, node: RegisterNode): RegisterModel {
  let broken = false;
  const need = (v: number | undefined): number => {
    if (v === undefined) broken = true;
    return v ?? 0;
  };
  const width = WIDTH_BITS[node.width.value];
  const ir: Register = {
    name: node.name.name,
    bar: 0,
    offset: need(cx.num(node.offset)),
    width,
    access: node.access.value,
    reset: 0,
    split: false,
    counter: node.counter,
    fields: [],
    loc: node.loc,
  };
  if (node.doc !== undefined) ir.doc = node.doc;
  if (node.count) {
    const count = need(cx.num(node.count));
    const stride = node.stride ? need(cx.num(node.stride)) : width / BITS_PER_BYTE;
    ir.array = { count, stride };
  }
  let explicitReset: number | undefined;
  for (const m of node.mods) explicitReset = applyMod(cx, ir, m, need) ?? explicitReset;
  const shared = sharedFields(cx, node);
  if (shared.broken) broken = true;
  const fields = (node.fields ?? []).map((f) => lowerField(cx, f));
  if (fields.some((f) => f.ir === undefined)) broken = true;
  const models = [...shared.fields, ...fields.filter((f): f is FieldModel => f.ir !== undefined)];
  ir.fields = models.map((f) => f.ir);
  ir.reset = explicitReset ?? foldResets(ir.fields);
  return { ir, node, fields: models, broken };
}

/** Applies one modifier; returns the explicit reset value when the modifier is `reset`. */
function applyMod(
  cx: LowerContext,
  ir: Register,
  m: RegisterMod,
  need: (v: number | undefined) => number,
): number | undefined {
  switch (m.kind) {
    case 'reset':
      return need(cx.num(m.value));
    case 'ref':
      ir.ref = m.text.value;
      return undefined;
    case 'in':
      ir.space = m.space.name;
      cx.lookup(cx.model.byName.space, m.space, 'NDL107');
      return undefined;
    case 'split':
      ir.split = true;
      return undefined;
    case 'bar':
      ir.bar = need(cx.num(m.index));
      return undefined;
    case 'fields':
      return undefined; // sharedFields
  }
}

/**
 * The fields a register takes from `fields NAME`: copies of the fieldset's (each register
 * owns its IR), marked with the reference so checks can point at it. An unknown name is
 * reported (NDL113) and makes the register broken, so its layout is not checked half-known.
 */
function sharedFields(
  cx: LowerContext,
  node: RegisterNode,
): { fields: FieldModel[]; broken: boolean } {
  const mod = node.mods.find((m) => m.kind === 'fields');
  if (!mod) return { fields: [], broken: false };
  const set = cx.lookup(cx.model.byName.fieldset, mod.name, 'NDL113');
  if (!set) return { fields: [], broken: true };
  set.used = true;
  const fields = set.fields.map((f) => ({
    ir: structuredClone(f.ir),
    node: f.node,
    via: mod.name,
  }));
  return { fields, broken: set.broken };
}

/** The register reset implied by its fields' resets (fields without one reset to 0). */
function foldResets(fields: readonly Field[]): number {
  let value = 0n;
  for (const f of fields) if (f.reset !== undefined) value |= BigInt(f.reset) << BigInt(f.lsb);
  return Number(value);
}

/** A field; `ir` is undefined when a bit position cannot be resolved. */
export function lowerField(cx: LowerContext, node: FieldNode): { ir?: Field; node: FieldNode } {
  const msb = cx.num(node.msb);
  const lsb = node.lsb ? cx.num(node.lsb) : msb;
  if (msb === undefined || lsb === undefined) {
    for (const m of node.mods) if (m.kind === 'reset') cx.num(m.value);
    return { node };
  }
  const ir: Field = { name: node.name.name, lsb, msb, selfClearing: false, loc: node.loc };
  if (node.doc !== undefined) ir.doc = node.doc;
  for (const m of node.mods) {
    switch (m.kind) {
      case 'access':
        ir.access = m.access.value;
        break;
      case 'selfClearing':
        ir.selfClearing = true;
        break;
      case 'reset': {
        const v = cx.num(m.value);
        if (v !== undefined) ir.reset = v;
        break;
      }
      case 'ref':
        ir.ref = m.text.value;
        break;
      case 'enum':
        ir.enum = m.values.flatMap((v): EnumValue[] => {
          const value = cx.num(v.value);
          if (value === undefined) return [];
          const e: EnumValue = { name: v.name.name, value, loc: v.loc };
          if (v.doc !== undefined) e.doc = v.doc;
          return [e];
        });
        break;
    }
  }
  return { ir, node };
}
