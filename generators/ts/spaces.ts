/**
 * spaces.ts: field codecs for registers of indirect spaces (PHY over MDIC, EEPROM words
 * over EERD). The runtime cannot reach them with one MMIO access, so they get no
 * accessor: the driver reads a word through its access register and decodes it here,
 * e.g. `PHY_CTRL.LOOPBACK.set(word, 1)`.
 */
import type { Device } from '../../spec/ir.js';
import { oneLine } from '../emit.js';
import { spaceRegisters } from '../layout.js';
import { emitCodec, emitEnums } from './codecs.js';
import { TsModule, type TsOptions } from './module.js';

export const SPACES_FILE = 'spaces.ts';

export function generateSpaces(
  ir: Device,
  options: TsOptions,
): { module: TsModule; exports: string[] } {
  const m = new TsModule(
    SPACES_FILE,
    ir,
    options,
    'Indirect register spaces: field codecs (no MMIO accessors).',
  );
  const exports: string[] = [];
  for (const space of [...ir.spaces].sort((a, b) => a.name.localeCompare(b.name))) {
    const regs = spaceRegisters(ir).filter((r) => r.space === space.name);
    m.body.gap();
    m.body.line(
      `// Space ${space.name}: ${space.width}-bit registers.${space.doc ? ` ${oneLine(space.doc)}` : ''}`,
    );
    for (const reg of regs) {
      exports.push(...emitEnums(m, reg));
      exports.push(emitCodec(m, reg, String(reg.offset)));
    }
  }
  return { module: m, exports };
}
