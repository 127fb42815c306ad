/**
 * Attaches `///` doc comments to the items they document (docs/language.md, Lexical):
 * - a block of `///` lines, each alone on its line, documents the item that starts right
 *   after it (only whitespace in between);
 * - a `///` after code documents the item that ends just before it on that line.
 * Both may apply to one item; the leading text comes first. Line breaks are kept.
 */
import type { Comment, FileNode, Span } from './ast.js';
import { walk } from './walk.js';

/** Kinds of node that carry a `doc`. */
const DOCUMENTED = new Set([
  'device',
  'register',
  'field',
  'enumValue',
  'const',
  'space',
  'descriptor',
  'descField',
  'ring',
  'sequence',
]);

interface Documented {
  kind: string;
  loc: Span;
  doc?: string;
}

export function attachDocs(ast: FileNode, text: string): void {
  const byStart = new Map<number, Documented>();
  const byEnd = new Map<number, Documented>();
  walk(ast.body, (obj) => {
    if (!DOCUMENTED.has(obj.kind as string)) return;
    const node = obj as unknown as Documented;
    if (!byStart.has(node.loc.start)) byStart.set(node.loc.start, node);
    // Walk order is outer first: keep the outermost node ending at an offset.
    if (!byEnd.has(node.loc.end)) byEnd.set(node.loc.end, node);
  });
  const leading = new Map<Documented, string[]>();
  const trailing = new Map<Documented, string[]>();
  const docs = ast.comments.filter((c) => c.kind === 'doc');
  let i = 0;
  while (i < docs.length) {
    const c = docs[i];
    if (!aloneOnLine(text, c)) {
      const target = byEnd.get(skipBack(text, c.loc.start));
      if (target) push(trailing, target, docText(c));
      i++;
      continue;
    }
    // A block: consecutive lines of `///` comments, each alone on its line.
    let j = i + 1;
    while (j < docs.length && docs[j].loc.line === docs[j - 1].loc.line + 1 && aloneOnLine(text, docs[j])) j++;
    const target = byStart.get(skipForward(text, docs[j - 1].loc.end));
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

/** The first non-blank offset after `offset`. */
function skipForward(text: string, offset: number): number {
  let k = offset;
  while (k < text.length && /[ \t\r\n\uFEFF]/.test(text[k])) k++;
  return k;
}
