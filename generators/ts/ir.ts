/**
 * ir.ts: the IR the module was generated from, as JSON text, so a driver can skip
 * compiling its spec at start-up when the spec is unchanged (spec/precompiled.ts checks
 * the recorded source hash). Not re-exported by index.ts: only whoever needs the IR
 * imports it. A string, not an object literal: JSON.parse is fast and tsc infers nothing.
 */
import type { Device } from '../../spec/ir.js';
import { TsModule, type TsOptions } from './module.js';

export const IR_FILE = 'ir.ts';

/** `spec` normalized (the order items are declared in does not change the output). */
export function generateIrModule(spec: Device, options: TsOptions): TsModule {
  const m = new TsModule(
    IR_FILE,
    spec,
    options,
    'The lowered IR as JSON (checked against the spec sources before use).',
  );
  m.body.line(`export const IR_JSON: string = ${JSON.stringify(JSON.stringify(spec))};`);
  return m;
}
