/**
 * A precompiled IR (the JSON a driver's generated ir.ts carries) used in place of
 * compiling the spec, when the spec files on disk are still the ones it was built from.
 * Compiling a spec (parser, checks, IR validation) dominates CLI start-up on slow CPUs;
 * this path loads none of it: it reads the sources, hashes them and parses JSON.
 *
 * The generator ran with its own spelling of the spec's path (as given on its command
 * line); every file path in the IR (source, imports, spans) is respelled for the spec at
 * `specPath`, so the result equals what compiling `specPath` gives.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import type { Device } from './ir.js';
import { hashSources } from './source-hash.js';

/** The IR in `json` respelled for `specPath`, or undefined when the sources differ. */
export function precompiledIr(json: string, specPath: string): Device | undefined {
  const ir = JSON.parse(json) as Device;
  const paths = respelling(ir.source.file, ir.source.imports, normalize(specPath));
  const texts: string[] = [];
  for (const file of [ir.source.file, ...ir.source.imports]) {
    const text = readOrUndefined(paths.get(file)!);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  if (hashSources(texts) !== ir.source.hash) return undefined;
  const out = respell(ir, paths) as Device;
  out.source.imports = ir.source.imports.map((imp) => paths.get(imp)!);
  return out;
}

/** Each path the generator saw, mapped to the same file seen from `specPath`. */
function respelling(
  file: string,
  imports: readonly string[],
  specPath: string,
): Map<string, string> {
  const paths = new Map([[file, specPath]]);
  for (const imp of imports)
    paths.set(imp, normalize(join(dirname(specPath), relative(dirname(file), imp))));
  return paths;
}

/** A copy of `value` with every `file` (spans, source) respelled. */
function respell(value: unknown, paths: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => respell(v, paths));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'file' && typeof v === 'string' ? (paths.get(v) ?? v) : respell(v, paths);
  }
  return out;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
