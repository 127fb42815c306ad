/**
 * Rules that need only one file's syntax tree: imports first, one device per file, a
 * closed device block, no modifier given twice, numbers within 2^53.
 */
import type { FileNode, Span } from './ast.js';
import { type Diagnostic, diag } from './diagnostics.js';

/** Nodes gathered in the one walk over a file's tree (dsl/parse.ts). */
export interface Gathered {
  /** Every `mods` list. */
  mods: Array<Array<{ kind: string; loc: Span }>>;
  /** Every number literal too large to represent. */
  hugeNumbers: Array<{ raw: string; loc: Span }>;
}

export function checkSyntaxRules(ast: FileNode, gathered: Gathered, out: Diagnostic[]): void {
  checkFileStructure(ast, out);
  checkRepeatedModifiers(gathered.mods, out);
  for (const n of gathered.hugeNumbers) out.push(diag('NDL009', n.loc, { raw: n.raw }));
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

/** Modifiers may appear once per item; `mods` lists hold them in source order. */
function checkRepeatedModifiers(lists: Gathered['mods'], out: Diagnostic[]): void {
  for (const mods of lists) {
    if (mods.length < 2) continue;
    const seen = new Set<string>();
    for (const m of mods) {
      if (seen.has(m.kind)) out.push(diag('NDL008', m.loc, { modifier: modifierWord(m.kind) }));
      seen.add(m.kind);
    }
  }
}

function modifierWord(kind: string): string {
  return kind === 'selfClearing' ? 'self-clearing' : kind;
}

function keywordSpan(loc: Span, word: string): Span {
  return { ...loc, endLine: loc.line, endCol: loc.col + word.length, end: loc.start + word.length };
}
