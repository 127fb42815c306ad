/**
 * Rules that need only one file's syntax tree: imports first, one device per file, a
 * closed device block, no modifier given twice, numbers within 2^53.
 */
import type { FileNode, Span } from './ast.js';
import { type Diagnostic, diag } from './diagnostics.js';
import { walk } from './walk.js';

export function checkSyntaxRules(ast: FileNode, out: Diagnostic[]): void {
  checkFileStructure(ast, out);
  checkRepeatedModifiers(ast, out);
  checkNumberRange(ast, out);
}

function checkFileStructure(ast: FileNode, out: Diagnostic[]): void {
  let seenOther = false;
  let device: string | undefined;
  for (const node of ast.body) {
    if (node.kind === 'import') {
      if (seenOther) out.push(diag('NDL003', keywordSpan(node.loc, 'import')));
      continue;
    }
    if (node.kind === 'bad') continue;
    seenOther = true;
    if (node.kind !== 'device') continue;
    if (device !== undefined) out.push(diag('NDL004', node.name.loc, { name: node.name.name }));
    device ??= node.name.name;
    if (node.unclosed) out.push(diag('NDL002', node.name.loc, { name: node.name.name }));
  }
}

/** Modifier kinds that may appear once per item; `mods` arrays hold them in source order. */
function checkRepeatedModifiers(ast: FileNode, out: Diagnostic[]): void {
  walk(ast.body, (obj) => {
    const mods = obj.mods as Array<{ kind: string; loc: Span }> | undefined;
    if (!Array.isArray(mods) || mods.length < 2) return;
    const seen = new Set<string>();
    for (const m of mods) {
      if (seen.has(m.kind)) out.push(diag('NDL008', m.loc, { modifier: modifierWord(m.kind) }));
      seen.add(m.kind);
    }
  });
}

function modifierWord(kind: string): string {
  return kind === 'selfClearing' ? 'self-clearing' : kind === 'access' ? 'access' : kind;
}

function checkNumberRange(ast: FileNode, out: Diagnostic[]): void {
  walk(ast.body, (obj) => {
    if (obj.kind === 'num' && Number.isNaN(obj.value)) {
      out.push(diag('NDL009', obj.loc as Span, { raw: obj.raw as string }));
    }
  });
}

function keywordSpan(loc: Span, word: string): Span {
  return { ...loc, endLine: loc.line, endCol: loc.col + word.length, end: loc.start + word.length };
}
