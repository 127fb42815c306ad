/** Descriptor formats: byte offsets and bit fields resolved; read and write-back layouts. */
import type { DescFieldNode, DescriptorNode } from '../../dsl/ast.js';
import type { Descriptor, DescriptorField } from '../ir.js';
import type { DescFieldModel, DescriptorModel, FieldModel } from '../model.js';
import type { LowerContext } from './context.js';
import { lowerField } from './registers.js';

export function lowerDescriptor(cx: LowerContext, node: DescriptorNode): DescriptorModel {
  let broken = false;
  const size = cx.num(node.size);
  if (size === undefined) broken = true;
  const layout = (nodes: readonly DescFieldNode[]): DescFieldModel[] =>
    nodes.flatMap((f) => {
      const m = lowerDescField(cx, f);
      if (!m) broken = true;
      return m ? [m] : [];
    });
  let fields: DescFieldModel[];
  let writeback: DescFieldModel[] | undefined;
  if (node.layouts) {
    // Shape errors (missing or repeated layouts) are NDL420, reported by a check.
    const read = node.layouts.find((l) => l.which.value === 'read');
    const back = node.layouts.find((l) => l.which.value === 'writeback');
    fields = layout(read?.fields ?? []);
    writeback = layout(back?.fields ?? []);
  } else {
    fields = layout(node.fields ?? []);
  }
  const ir: Descriptor = {
    name: node.name.name,
    size: size ?? 1,
    fields: fields.map((f) => f.ir),
    loc: node.loc,
  };
  if (writeback) ir.writeback = writeback.map((f) => f.ir);
  if (node.doc !== undefined) ir.doc = node.doc;
  for (const m of node.mods) ir.ref = m.text.value;
  return { ir, node, fields, writeback, broken };
}

function lowerDescField(cx: LowerContext, node: DescFieldNode): DescFieldModel | undefined {
  const offset = cx.num(node.offset);
  const bits = (node.bits ?? []).map((b) => lowerField(cx, b));
  if (offset === undefined || bits.some((b) => !b.ir)) return undefined;
  const models = bits as FieldModel[];
  const ir: DescriptorField = {
    name: node.name.name,
    offset,
    type: node.type.value,
    bits: models.map((b) => b.ir),
    loc: node.loc,
  };
  if (node.doc !== undefined) ir.doc = node.doc;
  for (const m of node.mods) ir.ref = m.text.value;
  return { ir, node, bits: models };
}
