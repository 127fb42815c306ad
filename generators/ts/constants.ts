/**
 * constants.ts: the device's identity (name, PCI ids, BARs, the spec it came from) and
 * its named constants, so a driver never retypes a number the spec already states.
 */
import type { Device } from '../../spec/ir.js';
import { hex, oneLine, sectionRef, str, titled } from '../emit.js';
import { TsModule, type TsOptions } from './module.js';

export const CONSTANTS_FILE = 'constants.ts';

export function generateConstants(
  ir: Device,
  options: TsOptions,
): { module: TsModule; exports: string[] } {
  const m = new TsModule(CONSTANTS_FILE, ir, options, 'Device identity and named constants.');
  const w = m.body;
  w.doc(titled(ir.name, ir.doc, ir.ref));
  w.block(
    'export const device = {',
    () => {
      w.line(`name: ${str(ir.name)},`);
      w.line(`spec: { file: ${str(ir.source.file)}, sha256: ${str(ir.source.hash)} },`);
      w.block(
        'pci: [',
        () => {
          for (const p of ir.pci) {
            const name = p.name !== undefined ? `, name: ${str(p.name)}` : '';
            w.line(`{ vendor: ${hex(p.vendor)}, device: ${hex(p.device)}${name} },`);
          }
        },
        '],',
      );
      w.block(
        'bars: [',
        () => {
          for (const b of [...ir.bars].sort((x, y) => x.index - y.index)) {
            w.line(`{ index: ${b.index}, kind: ${str(b.kind)}, size: ${hex(b.size, 5)} },`);
          }
        },
        '],',
      );
    },
    '} as const;',
  );
  const exports = ['device'];
  for (const c of ir.constants) {
    w.line();
    w.doc(oneLine(c.doc) || undefined, sectionRef(c.ref));
    w.line(
      `export const ${c.name} = ${c.value > 0xff ? hex(c.value) + ` /* ${c.value} */` : c.value};`,
    );
    exports.push(c.name);
  }
  return { module: m, exports };
}
