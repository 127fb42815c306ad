/**
 * Rings: descriptor formats and registers looked up, `field.BIT` references resolved to
 * byte offsets and masks, `on post` assignments resolved to constants, defaults applied
 * (docs/language.md, Rings). Missing or repeated properties are left to the checks.
 */
import type {
  CompleteEntry,
  FieldPath,
  PostAssignNode,
  RingNode,
  RingProp,
  RingPropKind,
} from '../../dsl/ast.js';
import { bits as bitsWord } from '../../dsl/diagnostics.js';
import { didYouMean } from '../../dsl/suggest.js';
import type { Ring } from '../ir.js';
import type {
  BitRefModel,
  DescFieldModel,
  DescriptorModel,
  PostModel,
  RingModel,
  RingRegRef,
} from '../model.js';
import { type LowerContext, WIDTH_BITS, fits, maskOf } from './context.js';

/** Default ring size, in descriptors, when `count` gives none (clamped to the limits). */
const DEFAULT_COUNT = 256;
const U32_BITS = 32;

export function lowerRing(cx: LowerContext, node: RingNode): RingModel {
  const formats = node.formats.flatMap((f) => {
    const d = cx.lookup(cx.model.byName.descriptor, f, 'NDL105');
    return d ? [d] : [];
  });
  const desc =
    formats.length > 0 && formats[0].node.name.name === node.formats[0].name
      ? formats[0]
      : undefined;
  const ring: RingModel = {
    node,
    ir: {
      name: node.name.name,
      formats: node.formats.map((f) => f.name),
      descriptor: node.formats[0].name,
      loc: node.loc,
    },
    desc,
    formats,
    regs: [],
    post: [],
  };
  if (node.doc !== undefined) ring.ir.doc = node.doc;
  for (const m of node.mods) ring.ir.ref = m.text.value;
  const first = new Map<RingPropKind, RingProp>();
  for (const p of node.props) if (!first.has(p.kind)) first.set(p.kind, p);
  for (const p of first.values()) applyProp(cx, ring, p);
  applyDefaults(ring);
  return ring;
}

function applyProp(cx: LowerContext, ring: RingModel, p: RingProp): void {
  const ir = ring.ir;
  const regRef = (role: RingRegRef['role'], id: { name: string; loc: RingRegRef['span'] }) => {
    ring.regs.push({
      role,
      name: id.name,
      span: id.loc,
      reg: cx.model.byName.register.get(id.name),
    });
    return id.name;
  };
  switch (p.kind) {
    case 'direction':
      ir.direction = p.value.value;
      return;
    case 'base':
      ir.registers = {
        ...regs(ir),
        baseLo: regRef('base low', p.lo),
        baseHi: regRef('base high', p.hi),
      };
      return;
    case 'length':
      ir.registers = { ...regs(ir), length: regRef('length', p.reg) };
      return;
    case 'head':
      ir.registers = { ...regs(ir), head: regRef('head', p.reg) };
      ir.owners = { ...owners(ir), head: p.owner?.value ?? 'device' };
      return;
    case 'tail':
      ir.registers = { ...regs(ir), tail: regRef('tail', p.reg) };
      ir.owners = { ...owners(ir), tail: p.owner?.value ?? 'driver' };
      return;
    case 'count': {
      const min = cx.num(p.min);
      const max = cx.num(p.max);
      const step = p.step ? cx.num(p.step) : 1;
      const def = p.default ? cx.num(p.default) : undefined;
      if (min === undefined || max === undefined || step === undefined) return;
      ir.count = { min, max, step, default: def ?? defaultCount(min, max, step) };
      return;
    }
    case 'align': {
      const v = cx.num(p.value);
      if (v !== undefined) ir.align = v;
      return;
    }
    case 'buffer': {
      const def = cx.num(p.default);
      const max = p.max ? cx.num(p.max) : def;
      if (def !== undefined && max !== undefined) ir.buffer = { default: def, max };
      return;
    }
    case 'complete':
      for (const e of p.entries) completeEntry(cx, ring, e);
      return;
    case 'last':
      ring.last = bitRef(cx, ring, p.path, 'read');
      if (ring.last) ir.lastOfFrame = ring.last.ir;
      return;
    case 'report':
      ring.report = bitRef(cx, ring, p.path, 'read');
      if (ring.report) ir.reportStatus = ring.report.ir;
      return;
    case 'post':
      ring.post = p.assigns.flatMap((a) => {
        const m = postAssign(cx, ring, a);
        return m ? [m] : [];
      });
      ir.post = ring.post.map((m) => m.ir);
      return;
  }
}

function regs(ir: Partial<Ring>): Ring['registers'] {
  return ir.registers ?? { baseLo: '', baseHi: '', length: '', head: '', tail: '' };
}

function owners(ir: Partial<Ring>): Ring['owners'] {
  return ir.owners ?? { head: 'device', tail: 'driver' };
}

/** 256 descriptors, kept within the limits and rounded down to a whole step. */
function defaultCount(min: number, max: number, step: number): number {
  const clamped = Math.min(max, Math.max(min, DEFAULT_COUNT));
  return Math.max(min, clamped - (clamped % Math.max(step, 1)));
}

function applyDefaults(ring: RingModel): void {
  const ir = ring.ir;
  if (ir.align === undefined && ring.desc) ir.align = ring.desc.ir.size;
  ir.post ??= [];
}

const COMPLETE_KEYS = ['done', 'eop', 'length', 'errors'];

function completeEntry(cx: LowerContext, ring: RingModel, e: CompleteEntry): void {
  const key = e.key.name;
  switch (key) {
    case 'done':
    case 'eop': {
      const ref = bitRef(cx, ring, e.value, 'writeback');
      if (!ref) return;
      ring[key] = ref;
      ring.ir[key] = ref.ir;
      return;
    }
    case 'length':
    case 'errors': {
      const f = wholeField(cx, ring, e.value);
      if (!f) return;
      const ref = { field: f.ir.name, offset: f.ir.offset, type: f.ir.type };
      if (key === 'length') ring.ir.lengthField = ref;
      else ring.ir.errorsField = ref;
      return;
    }
    default:
      cx.report(
        'NDL415',
        e.key.loc,
        { key, problem: `unknown entry; complete takes ${COMPLETE_KEYS.join(', ')}` },
        { hint: didYouMean(key, COMPLETE_KEYS) },
      );
  }
}

/** The layout a reference reads: what software posts, or what the device writes back. */
function layoutOf(desc: DescriptorModel, which: 'read' | 'writeback'): DescFieldModel[] {
  return which === 'writeback' && desc.writeback ? desc.writeback : desc.fields;
}

function descField(
  cx: LowerContext,
  desc: DescriptorModel,
  which: 'read' | 'writeback',
  id: FieldPath['field'],
): DescFieldModel | undefined {
  const layout = layoutOf(desc, which);
  const found = layout.find((f) => f.ir.name === id.name);
  if (found) return found;
  const owner = desc.writeback
    ? `the ${which === 'writeback' ? 'write-back' : 'read'} layout of descriptor '${desc.ir.name}'`
    : `descriptor '${desc.ir.name}'`;
  cx.report(
    'NDL106',
    id.loc,
    { owner, name: id.name },
    {
      hint: didYouMean(
        id.name,
        layout.map((f) => f.ir.name),
      ),
    },
  );
  return undefined;
}

function bitRef(
  cx: LowerContext,
  ring: RingModel,
  path: FieldPath,
  which: 'read' | 'writeback',
): BitRefModel | undefined {
  if (!ring.desc) return undefined;
  const field = descField(cx, ring.desc, which, path.field);
  if (!field) return undefined;
  if (!path.bit) {
    cx.report('NDL416', path.loc, {
      path: path.field.name,
      expected: `a bit field, as in '${path.field.name}.${field.bits[0]?.ir.name ?? 'BIT'}'`,
    });
    return undefined;
  }
  const bitName = path.bit.name;
  const bit = field.bits.find((b) => b.ir.name === bitName);
  if (!bit) {
    cx.report(
      'NDL106',
      path.bit.loc,
      { owner: `descriptor field '${ring.desc.ir.name}.${field.ir.name}'`, name: bitName },
      {
        hint: didYouMean(
          bitName,
          field.bits.map((b) => b.ir.name),
        ),
      },
    );
    return undefined;
  }
  if (bit.ir.msb >= U32_BITS) {
    cx.report('NDL416', path.loc, {
      path: `${field.ir.name}.${bitName}`,
      expected: 'a bit field within the low 32 bits of its field',
    });
    return undefined;
  }
  return {
    ir: {
      field: field.ir.name,
      bit: bitName,
      offset: field.ir.offset,
      type: field.ir.type,
      mask: maskOf(bit.ir.msb, bit.ir.lsb),
    },
    node: path,
    field,
    bit,
  };
}

function wholeField(
  cx: LowerContext,
  ring: RingModel,
  path: FieldPath,
): DescFieldModel | undefined {
  if (!ring.desc) return undefined;
  const field = descField(cx, ring.desc, 'writeback', path.field);
  if (field && path.bit) {
    cx.report('NDL416', path.loc, {
      path: `${path.field.name}.${path.bit.name}`,
      expected: `a whole descriptor field, as in '${path.field.name}'`,
    });
    return undefined;
  }
  return field;
}

function postAssign(cx: LowerContext, ring: RingModel, a: PostAssignNode): PostModel | undefined {
  if (!ring.desc) return undefined;
  const field = descField(cx, ring.desc, 'read', a.field);
  if (!field) return undefined;
  const base = { field: field.ir.name, offset: field.ir.offset, type: field.ir.type, loc: a.loc };
  const v = a.value;
  if (v.kind === 'buffer' || v.kind === 'length')
    return { ir: { ...base, source: v.kind }, node: a, field };
  const value =
    v.kind === 'num'
      ? Number.isNaN(v.value)
        ? undefined
        : v.value
      : bitsValue(cx, ring, field, v.bits);
  if (value === undefined) return undefined;
  const width = WIDTH_BITS[field.ir.type];
  if (!fits(value, width)) {
    cx.report('NDL417', v.loc, {
      value: v.kind === 'num' ? v.raw : value,
      field: field.ir.name,
      width: bitsWord(width),
    });
    return undefined;
  }
  return { ir: { ...base, source: 'const', value }, node: a, field };
}

/** `A | B(3)`: each named bit field set to 1 (or to its given value), or one constant's name. */
function bitsValue(
  cx: LowerContext,
  ring: RingModel,
  field: DescFieldModel,
  terms: Extract<PostAssignNode['value'], { kind: 'bits' }>['bits'],
): number | undefined {
  const only = terms.length === 1 && !terms[0].value ? terms[0].name : undefined;
  if (only && !field.bits.some((b) => b.ir.name === only.name) && cx.constNodes.has(only.name)) {
    return cx.constant(only.name, only.loc);
  }
  let value = 0n;
  for (const t of terms) {
    const bit = field.bits.find((b) => b.ir.name === t.name.name);
    if (!bit) {
      cx.report(
        'NDL106',
        t.name.loc,
        { owner: `descriptor field '${ring.desc?.ir.name}.${field.ir.name}'`, name: t.name.name },
        {
          hint: didYouMean(
            t.name.name,
            field.bits.map((b) => b.ir.name),
          ),
        },
      );
      return undefined;
    }
    const bits = bit.ir.msb - bit.ir.lsb + 1;
    const n = t.value ? cx.num(t.value) : 2 ** bits - 1;
    if (n === undefined) return undefined;
    if (!fits(n, bits)) {
      cx.report('NDL417', t.loc, {
        value: n,
        field: `${field.ir.name}.${bit.ir.name}`,
        width: bitsWord(bits),
      });
      return undefined;
    }
    value |= BigInt(n) << BigInt(bit.ir.lsb);
  }
  return Number(value);
}
