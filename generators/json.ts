/**
 * `--target json`: the device as plain JSON for tools in other languages: the IR (with
 * defaults applied and registers in offset order) plus what every consumer would
 * otherwise recompute: each field's mask, access and whether a read-modify-write keeps it.
 * Keys are in a fixed order, so the same IR gives the same bytes.
 */
import type { Device, Field, Register } from '../spec/ir.js';
import { headerText } from './emit.js';
import {
  barRegisters,
  fieldAccess,
  fieldMask,
  modifyKeepMask,
  normalize,
  spaceRegisters,
} from './layout.js';

/** Bumped when the shape of this JSON changes (independent of the IR version). */
export const JSON_FORMAT_VERSION = 1;

function field(reg: Register, f: Field): Record<string, unknown> {
  return { ...f, mask: fieldMask(f), effectiveAccess: fieldAccess(reg, f) };
}

function register(reg: Register): Record<string, unknown> {
  const derived =
    reg.width <= 32 && reg.access === 'rw' ? { modifyKeepMask: modifyKeepMask(reg) } : {};
  return {
    ...reg,
    fields: [...reg.fields].sort((a, b) => a.lsb - b.lsb).map((f) => field(reg, f)),
    ...derived,
  };
}

/** Recursively sorts object keys so output order never depends on construction order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort())
      out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function generateJson(spec: Device): string {
  const ir = normalize(spec);
  const body = {
    generatedBy: headerText(ir),
    format: JSON_FORMAT_VERSION,
    device: {
      ...ir,
      registers: [...barRegisters(ir), ...spaceRegisters(ir)].map(register),
    },
  };
  return JSON.stringify(canonical(body), null, 2) + '\n';
}
