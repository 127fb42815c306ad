/**
 * Golden outputs: every target generated for a spec, as files under one directory
 * (`ts/` for the TypeScript modules, importing the repo's runtime by relative path, so
 * the goldens are themselves importable and type-checkable). NICDL_UPDATE_GOLDEN=1
 * rewrites them instead of comparing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Device } from '../../../spec/ir.js';
import { generateDocs, generateTarget } from '../../../generators/index.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const GOLDEN_DIR = join(REPO, 'test/generators/golden');

/** The runtime import a generated module in `dir` uses to reach runtime/index.js. */
export function runtimeImportFrom(dir: string): string {
  const rel = relative(dir, join(REPO, 'runtime/index.js')).split('\\').join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The TypeScript modules of `ir` as they must read in `tsDir` (runtime imported relatively). */
export function tsFiles(ir: Device, tsDir: string): Map<string, string> {
  return generateTarget(ir, 'ts', { runtimeImport: runtimeImportFrom(tsDir) });
}

/** The other targets' files (C header, JSON, Markdown, HTML) by file name. */
export function otherFiles(ir: Device): Map<string, string> {
  const out = new Map<string, string>();
  for (const target of ['c-header', 'json'] as const)
    for (const [name, text] of generateTarget(ir, target)) out.set(name, text);
  for (const [name, text] of generateDocs(ir)) out.set(name, text);
  return out;
}

/** Files under `dir`, recursively, relative to it. */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

export const updating = process.env.NICDL_UPDATE_GOLDEN === '1';

/** Writes the goldens (update mode). */
export function writeGoldens(dir: string, files: Map<string, string>): void {
  for (const [name, text] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

export function readGolden(dir: string, name: string): string | undefined {
  const p = join(dir, name);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
