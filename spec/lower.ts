/**
 * Lowering: the syntax trees of a spec and its imports → the checked model (spec/model.ts),
 * whose `ir` halves become the IR. Names are bound first (so items may be used before
 * they are declared), then each kind of item is lowered in dependency order: constants,
 * spaces and BARs, fieldsets, registers, descriptors, rings, sequences.
 */
import type { BadNode, DeviceNode, ItemNode, TopNode } from '../dsl/ast.js';
import type { Diagnostic } from '../dsl/diagnostics.js';
import type { Loaded } from './load.js';
import { LowerContext } from './lower/context.js';
import { lowerDescriptor } from './lower/descriptors.js';
import { lowerFieldset } from './lower/fieldsets.js';
import { lowerRegister } from './lower/registers.js';
import { lowerRing } from './lower/rings.js';
import { lowerSequence } from './lower/sequences.js';
import type { Model } from './model.js';

export function lower(loaded: Loaded): { model: Model; diagnostics: Diagnostic[] } {
  const main = loaded.files[0];
  const model = emptyModel(main?.path ?? '<input>');
  const cx = new LowerContext(model);
  const items: ItemNode[] = [];
  loaded.files.forEach((f, i) => {
    for (const node of f.ast.body) collect(cx, node, items, i === 0, f.path);
  });
  bindAndLower(cx, items);
  return { model, diagnostics: cx.diagnostics };
}

function emptyModel(file: string): Model {
  return {
    file,
    pci: [],
    bars: [],
    spaces: [],
    constants: [],
    registers: [],
    descriptors: [],
    rings: [],
    sequences: [],
    fieldsets: [],
    byName: {
      register: new Map(),
      constant: new Map(),
      descriptor: new Map(),
      sequence: new Map(),
      space: new Map(),
      fieldset: new Map(),
    },
    poisoned: new Set(),
  };
}

/** Gathers the items of one file: a device's items merge with the file's own. */
function collect(
  cx: LowerContext,
  node: TopNode,
  items: ItemNode[],
  isMain: boolean,
  path: string,
): void {
  if (node.kind === 'import') return;
  if (node.kind !== 'device') {
    items.push(node);
    return;
  }
  if (!isMain) {
    cx.report('NDL011', node.name.loc, { path, name: node.name.name });
    return;
  }
  if (cx.model.device) return; // a second device block: NDL004, reported by the parser
  cx.model.device = node;
  adoptDeviceDocs(cx.model, node);
  items.push(...node.items);
}

function adoptDeviceDocs(model: Model, node: DeviceNode): void {
  if (node.doc !== undefined) model.doc = node.doc;
  for (const m of node.mods) model.ref ??= m.text.value;
}

function bindAndLower(cx: LowerContext, items: ItemNode[]): void {
  const { model } = cx;
  for (const it of items) if (it.kind === 'bad') poison(model, it);
  for (const it of items) {
    if (it.kind === 'const' && !cx.constNodes.has(it.name.name))
      cx.constNodes.set(it.name.name, it);
    if (it.kind === 'space') {
      if (it.width.value === 'u64') {
        cx.report('NDL013', it.width.loc, {
          keyword: 'u64',
          reason: 'a register space holds 8-, 16- or 32-bit registers',
        });
      }
      const m: Model['spaces'][number] = {
        ir: { name: it.name.name, width: spaceWidth(it.width.value), loc: it.loc, ...docOf(it) },
        node: it,
      };
      for (const r of it.mods) m.ir.ref = r.text.value;
      model.spaces.push(m);
      if (!model.byName.space.has(it.name.name)) model.byName.space.set(it.name.name, m);
    }
  }
  for (const it of items) {
    switch (it.kind) {
      case 'ref':
        model.ref ??= it.text.value;
        break;
      case 'const': {
        const value = cx.constant(it.name.name, it.name.loc);
        const ir = {
          name: it.name.name,
          value: value ?? 0,
          loc: it.loc,
          ...docOf(it),
        } as Model['constants'][number]['ir'];
        for (const r of it.mods) ir.ref = r.text.value;
        model.constants.push({ ir, node: it });
        break;
      }
      case 'pci':
        for (const id of it.ids) {
          const vendor = cx.num(id.vendor);
          const device = cx.num(id.device);
          if (vendor !== undefined && device !== undefined)
            model.pci.push({ vendor, device, name: id.name?.value, node: id });
        }
        break;
      case 'bar': {
        const index = cx.num(it.index);
        const size = cx.num(it.size);
        if (index !== undefined && size !== undefined)
          model.bars.push({ ir: { index, kind: it.space.value, size }, node: it });
        break;
      }
      default:
        break;
    }
  }
  // Fieldsets lower before the registers that copy their fields.
  for (const it of items)
    if (it.kind === 'fieldset')
      addFirst(model.byName.fieldset, it.name.name, lowerFieldset(cx, it), model.fieldsets);
  for (const it of items)
    if (it.kind === 'register')
      addFirst(model.byName.register, it.name.name, lowerRegister(cx, it), model.registers);
  for (const it of items)
    if (it.kind === 'descriptor')
      addFirst(model.byName.descriptor, it.name.name, lowerDescriptor(cx, it), model.descriptors);
  for (const it of items) if (it.kind === 'ring') model.rings.push(lowerRing(cx, it));
  // Sequences bind before they lower, so a call may name one declared further down.
  const seqs = items.filter((it) => it.kind === 'sequence');
  for (const it of seqs) {
    const m = lowerSequence(cx, it);
    addFirst(model.byName.sequence, it.name.name, m, model.sequences);
  }
}

function addFirst<T>(map: Map<string, T>, name: string, value: T, list: T[]): void {
  list.push(value);
  if (!map.has(name)) map.set(name, value);
}

function poison(model: Model, bad: BadNode): void {
  if (bad.name) model.poisoned.add(bad.name);
}

function spaceWidth(w: 'u8' | 'u16' | 'u32' | 'u64'): 8 | 16 | 32 {
  return w === 'u8' ? 8 : w === 'u16' ? 16 : 32;
}

function docOf(node: { doc?: string }): { doc?: string } {
  return node.doc === undefined ? {} : { doc: node.doc };
}
