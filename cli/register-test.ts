/**
 * The register test of `nicdl selftest`, driven by the IR alone: write bit patterns into
 * every read/write register and read them back, then restore what was there. Run on a
 * device that is not up (bus mastering off, so a pattern in a ring register can start no
 * DMA), before the driver resets and programs it.
 *
 * What is tested, from the spec's own declarations:
 * - registers with access `rw` in a BAR (arrays: every element); not 64-bit counters;
 * - only the bits of fields that are read/write and not self-clearing (a register without
 *   fields: all its bits), so command bits like CTRL.RST are never pulsed;
 * - not registers a sequence polls (`wait REG.FIELD ...`): those are handshakes (MDIC,
 *   EERD, CTRL) whose writes start an action in the device, e.g. a PHY write.
 */
import type { Device as IrDevice, Register } from '../spec/ir.js';
import type { Device, Mmio } from '../runtime/types.js';
import { barRegisters, fieldMask } from './register-dump.js';

export interface RegisterTestResult {
  /** Register words tested (array elements count one each). */
  tested: number;
  /** What read back wrong (the first ones, described). */
  failures: string[];
  /** Registers that read back wrong, by name. */
  failed: string[];
  /**
   * Registers that read 0 whatever was written: not implemented by this device (an
   * emulator's subset, e.g. QEMU's e1000 has no flow-control registers), not wrong bits.
   */
  unimplemented: string[];
  /** Registers left out, with why. */
  skipped: Array<{ name: string; why: string }>;
}

const PATTERNS = [0x5a5a_5a5a, 0xa5a5_a5a5, 0xffff_ffff, 0x0000_0000] as const;
const FAILURES_KEPT = 10;
const FULL_WORD = 0xffff_ffff;

export function registerTest(ir: IrDevice, device: Device): RegisterTestResult {
  const polled = polledRegisters(ir);
  const result: RegisterTestResult = {
    tested: 0,
    failures: [],
    failed: [],
    unimplemented: [],
    skipped: [],
  };
  for (const reg of barRegisters(ir)) {
    const why = exclusion(reg, polled);
    if (why) {
      if (reg.access === 'rw') result.skipped.push({ name: reg.name, why });
      continue;
    }
    const mask = testMask(reg);
    const mmio = device.bar(reg.bar);
    for (let i = 0; i < (reg.array?.count ?? 1); i++) {
      const offset = reg.offset + i * (reg.array?.stride ?? 0);
      testWord(mmio, offset, mask, reg.array ? `${reg.name}[${i}]` : reg.name, result);
    }
  }
  return result;
}

/** Write each pattern into the `mask` bits of one register word, read back, restore. */
function testWord(
  mmio: Mmio,
  offset: number,
  mask: number,
  name: string,
  result: RegisterTestResult,
): void {
  const original = mmio.read32(offset) >>> 0;
  const wrong: string[] = [];
  let alwaysZero = true;
  for (const pattern of PATTERNS) {
    const wrote = ((original & ~mask) | (pattern & mask)) >>> 0;
    mmio.write32(offset, wrote);
    const read = mmio.read32(offset) >>> 0;
    if ((read & mask) !== 0) alwaysZero = false;
    if (((read ^ wrote) & mask) !== 0)
      wrong.push(
        `${name}: wrote 0x${hex8(wrote)}, read 0x${hex8(read)} (bits 0x${hex8((read ^ wrote) & mask)} differ)`,
      );
  }
  mmio.write32(offset, original);
  result.tested++;
  if (!wrong.length) return;
  if (alwaysZero) {
    result.unimplemented.push(name);
    return;
  }
  result.failed.push(name);
  result.failures.push(...wrong.slice(0, Math.max(0, FAILURES_KEPT - result.failures.length)));
}

/** Why a register is not tested, or undefined when it is. */
function exclusion(reg: Register, polled: Set<string>): string | undefined {
  if (reg.access !== 'rw') return 'not read/write';
  if (reg.width !== 32) return `${reg.width}-bit`;
  if (polled.has(reg.name))
    return 'a sequence polls it (a handshake register: writing starts an action)';
  if (testMask(reg) === 0) return 'no plain read/write bits';
  return undefined;
}

/** The read/write, non-self-clearing bits of a register (all bits when it has no fields). */
function testMask(reg: Register): number {
  if (reg.fields.length === 0) return FULL_WORD;
  return fieldMask(reg.fields.filter((f) => (f.access ?? reg.access) === 'rw' && !f.selfClearing));
}

/** Registers some sequence of the spec waits on. */
function polledRegisters(ir: IrDevice): Set<string> {
  const names = new Set<string>();
  for (const seq of ir.sequences)
    for (const step of seq.steps) if (step.op === 'wait') names.add(step.register);
  return names;
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
