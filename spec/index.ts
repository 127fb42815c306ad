/**
 * The spec front end's public API: text or file in, IR and diagnostics out.
 *
 *   loadSpec(path)          reads the file and its imports (synchronously)
 *   compileSpec(text, file) the same for a text in hand; imports resolve next to `file`
 *   loadIr(path)            the IR, or a SpecError carrying every diagnostic
 *
 * None of these throws on a bad spec: problems are diagnostics (dsl/diagnostics.ts).
 * `ir` is present only when there is a device block and no error (warnings allowed).
 */
import {
  type Diagnostic,
  hasErrors,
  renderDiagnostics,
  sortDiagnostics,
} from '../dsl/diagnostics.js';
import { CHECKS } from './checks/index.js';
import { emitIr } from './emit.js';
import { SpecError } from './errors.js';
import type { Device } from './ir.js';
import { type Loaded, loadFiles, loadText } from './load.js';
import { lower } from './lower.js';

export interface SpecResult {
  ir?: Device;
  diagnostics: Diagnostic[];
  /** Every source text read, by file name (for rendering diagnostics). */
  sources: Record<string, string>;
}

export function loadSpec(path: string): SpecResult {
  return compileLoaded(loadFiles(path));
}

export function compileSpec(text: string, file = '<input>'): SpecResult {
  return compileLoaded(loadText(text, file));
}

/** The IR of a spec that must be valid; throws SpecError (exit code 1) otherwise. */
export function loadIr(path: string): Device {
  const result = loadSpec(path);
  if (result.ir) return result.ir;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const shown = errors.slice(0, MAX_SHOWN);
  const more =
    errors.length > shown.length
      ? `\n… and ${errors.length - shown.length} more (run 'nicdl check ${path}')`
      : '';
  const summary =
    errors.length === 0
      ? `${path} has no device block, so it has no IR`
      : `${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}`;
  throw new SpecError(
    `${summary}${shown.length ? `:\n${renderDiagnostics(shown, result.sources)}` : ''}${more}`,
    result.diagnostics,
  );
}

/** Errors shown in a SpecError's message; the rest are in its detail. */
const MAX_SHOWN = 5;

function compileLoaded(loaded: Loaded): SpecResult {
  const diagnostics = [...loaded.diagnostics];
  if (loaded.files.length === 0) return { diagnostics, sources: loaded.sources };
  const { model, diagnostics: lowering } = lower(loaded);
  diagnostics.push(...lowering);
  for (const check of CHECKS) check.run({ model, report: (d) => diagnostics.push(d) });
  const unique = dedupe(sortDiagnostics(diagnostics));
  const ir = model.device && !hasErrors(unique) ? emitIr(model, loaded) : undefined;
  return ir
    ? { ir, diagnostics: unique, sources: loaded.sources }
    : { diagnostics: unique, sources: loaded.sources };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.code}\0${d.span.file}\0${d.span.start}\0${d.span.end}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type { Diagnostic } from '../dsl/diagnostics.js';
export { renderDiagnostic, renderDiagnostics, CATALOG } from '../dsl/diagnostics.js';
export { format } from '../dsl/format.js';
export { parse } from '../dsl/parse.js';
export { SpecError } from './errors.js';
