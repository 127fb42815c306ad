/**
 * The generators' entry: every target by name, each a pure function IR → files (name →
 * text). Writing them to disk is the caller's job (cli/commands/generate.ts, doc.ts).
 */
import type { Device } from '../spec/ir.js';
import { generateCHeader } from './c-header.js';
import { generateHtml } from './docs/html.js';
import { generateMarkdown } from './docs/markdown.js';
import { generateJson } from './json.js';
import { generateTs } from './ts/index.js';
import { DEFAULT_RUNTIME_IMPORT, TARGETS, type Target } from './targets.js';

export {
  DEFAULT_RUNTIME_IMPORT,
  generateTs,
  generateCHeader,
  generateJson,
  generateMarkdown,
  generateHtml,
};
export { TARGETS, type Target };

export interface GenerateOptions {
  /** Module specifier generated TypeScript imports the runtime from. */
  runtimeImport?: string;
}

/** The files of one code target, by file name. */
export function generateTarget(
  ir: Device,
  target: Target,
  options: GenerateOptions = {},
): Map<string, string> {
  switch (target) {
    case 'ts':
      return generateTs(ir, { runtimeImport: options.runtimeImport ?? DEFAULT_RUNTIME_IMPORT });
    case 'c-header':
      return new Map([[`${ir.name}.h`, generateCHeader(ir)]]);
    case 'json':
      return new Map([[`${ir.name}.json`, generateJson(ir)]]);
  }
}

/** The documentation files: one Markdown reference and one self-contained HTML page. */
export function generateDocs(ir: Device): Map<string, string> {
  return new Map([
    [`${ir.name}.md`, generateMarkdown(ir)],
    [`${ir.name}.html`, generateHtml(ir)],
  ]);
}
