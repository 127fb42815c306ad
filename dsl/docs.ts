/**
 * Attaches `///` doc comments to the items they document (docs/language.md, Lexical):
 * - a block of `///` lines, each alone on its line, documents the item that starts right
 *   after it (only blanks and other comments in between);
 * - a `///` after code documents the item that ends just before it on that line;
 * - any other `///` (inside an item's header, or at the end of a block) documents the
 *   innermost item that contains it. This last rule makes attachment independent of
 *   where the formatter moves such a comment.
 * Several may apply to one item; leading text comes first. Line breaks are kept.
 */
import type { Comment, FileNode, Span } from './ast.js';

/** Kinds of node that carry a `doc`. */
export const DOCUMENTED = new Set([
  'device',
  'register',
  'field',
  'enumValue',
  'const',
  'space',
  'fieldset',
  'descriptor',
  'descField',
  'ring',
  'sequence',
]);

export interface Documented {
  kind: string;
  loc: Span;
  doc?: string;
}

/** `all`: every documented node, outer before inner (as dsl/walk.ts visits them). */
export function attachDocs(ast: FileNode, text: string, all: readonly Documented[]): void {
  if (!ast.comments.some((c) => c.kind === 'doc')) return;
  const byStart = new Map<number, Documented>();
  const byEnd = new Map<number, Documented>();
  for (const node of all) {
    if (!byStart.has(node.loc.start)) byStart.set(node.loc.start, node);
    // Outer first: keep the outermost node ending at an offset.
    if (!byEnd.has(node.loc.end)) byEnd.set(node.loc.end, node);
  }
  const leading = new Map<Documented, string[]>();
  const trailing = new Map<Documented, string[]>();
  const docs = ast.comments.filter((c) => c.kind === 'doc');
  const skip = commentSkipper(ast.comments);
  let i = 0;
  while (i < docs.length) {
    const c = docs[i];
    if (!aloneOnLine(text, c)) {
      const target = byEnd.get(skipBack(text, c.loc.start)) ?? innermost(all, c);
      if (target) push(trailing, target, docText(c));
      i++;
      continue;
    }
    // A block: consecutive lines of `///` comments, each alone on its line.
    let j = i + 1;
    while (
      j < docs.length &&
      docs[j].loc.line === docs[j - 1].loc.line + 1 &&
      aloneOnLine(text, docs[j])
    )
      j++;
    const target = byStart.get(skip(text, docs[j - 1].loc.end)) ?? innermost(all, c);
    if (target) for (let k = i; k < j; k++) push(leading, target, docText(docs[k]));
    i = j;
  }
  for (const node of new Set([...leading.keys(), ...trailing.keys()])) {
    node.doc = [...(leading.get(node) ?? []), ...(trailing.get(node) ?? [])].join('\n');
  }
}

function push(map: Map<Documented, string[]>, node: Documented, line: string): void {
  const list = map.get(node);
  if (list) list.push(line);
  else map.set(node, [line]);
}

/** `/// text` → `text` (one space after the slashes is layout, not content). */
function docText(c: Comment): string {
  return c.text.slice(3).replace(/^ /, '').trimEnd();
}

function aloneOnLine(text: string, c: Comment): boolean {
  for (let k = c.loc.start - 1; k >= 0; k--) {
    const ch = text[k];
    if (ch === '\n') return true;
    if (ch !== ' ' && ch !== '\t' && ch !== '\r' && ch !== '\uFEFF') return false;
  }
  return true;
}

/** The offset just after the last token before `offset` on its line (skipping blanks and separators). */
function skipBack(text: string, offset: number): number {
  let k = offset;
  while (k > 0 && /[ \t,;]/.test(text[k - 1])) k--;
  return k;
}

/** The first offset after `offset` that is neither blank nor inside a comment. */
function commentSkipper(comments: readonly Comment[]): (text: string, offset: number) => number {
  const byStart = new Map(comments.map((c) => [c.loc.start, c.loc.end]));
  return (text, offset) => {
    let k = offset;
    for (;;) {
      while (k < text.length && /[ \t\r\n\uFEFF]/.test(text[k])) k++;
      const end = byStart.get(k);
      if (end === undefined) return k;
      k = end;
    }
  };
}

/** The innermost documented node whose span contains the comment. */
function innermost(nodes: readonly Documented[], c: Comment): Documented | undefined {
  let best: Documented | undefined;
  for (const n of nodes) {
    if (
      n.loc.start < c.loc.start &&
      c.loc.end <= n.loc.end &&
      (!best || n.loc.end - n.loc.start < best.loc.end - best.loc.start)
    )
      best = n;
  }
  return best;
}
