/**
 * The IR from a checked model: the `ir` halves, registers sorted by (BAR, offset) with
 * indirect-space registers after them, validated by the IR's own schema.
 */
import { IR_VERSION, type Device, type Register, type Ring, parseIr } from './ir.js';
import type { Loaded } from './load.js';
import type { Model } from './model.js';

export function emitIr(model: Model, loaded: Loaded): Device {
  const device = model.device;
  if (!device) throw new Error('emitIr needs a device block');
  const value = {
    irVersion: IR_VERSION,
    name: device.name.name,
    source: { file: model.file, hash: loaded.hash, imports: loaded.imports },
    pci: model.pci.map((p) =>
      p.name === undefined
        ? { vendor: p.vendor, device: p.device }
        : { vendor: p.vendor, device: p.device, name: p.name },
    ),
    bars: model.bars.map((b) => b.ir),
    spaces: model.spaces.map((s) => s.ir),
    constants: model.constants.map((c) => c.ir),
    registers: model.registers.map((r) => r.ir).sort(byPlace),
    descriptors: model.descriptors.map((d) => d.ir),
    rings: model.rings.map((r) => r.ir as Ring),
    sequences: model.sequences.map((s) => s.ir),
    loc: device.loc,
    ...(model.doc === undefined ? {} : { doc: model.doc }),
    ...(model.ref === undefined ? {} : { ref: model.ref }),
  };
  return parseIr(value);
}

/** BAR registers by (bar, offset), then each indirect space's registers by number. */
function byPlace(a: Register, b: Register): number {
  const sa = a.space ?? '';
  const sb = b.space ?? '';
  if (sa !== sb) return sa === '' ? -1 : sb === '' ? 1 : sa < sb ? -1 : 1;
  return sa === '' ? a.bar - b.bar || a.offset - b.offset : a.offset - b.offset;
}
