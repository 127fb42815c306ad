/**
 * parse(text, file) → { ast, diagnostics }: the language front end's entry point.
 *
 * Never throws. A region the grammar could not read arrives as a `bad` node; each one is
 * re-parsed alone to learn what the grammar expected there, so every broken item gets
 * its own located "expected …, found …" and the rest of the file is still read.
 * Checks that need only the syntax tree (import order, one device, repeated modifiers,
 * oversized numbers) run here too, as do comment collection and doc attachment.
 */
import type { BadNode, Comment, FileNode, Span, TopNode } from './ast.js';
import { scanComments } from './comments.js';
import { type Diagnostic, diag, sortDiagnostics } from './diagnostics.js';
import { DOCUMENTED, type Documented, attachDocs } from './docs.js';
import { LineMap } from './lines.js';
import { parse as pegParse } from './parser.js';
import { type Gathered, checkSyntaxRules } from './syntax-rules.js';
import { walk } from './walk.js';
import { describeExpected, expectedWords, tokenAt } from './expected.js';
import { didYouMean } from './suggest.js';

export interface ParseResult {
  ast: FileNode;
  diagnostics: Diagnostic[];
  /**
   * The tree holds all of the text: no region was skipped, no block or comment left
   * open. Only then can it be printed back (dsl/format.ts) without losing anything.
   */
  complete: boolean;
}

interface PegError {
  location?: { start: { offset: number } };
  expected?: Array<{ type: string; text?: string; description?: string }> | null;
}

export function parse(text: string, file = '<input>'): ParseResult {
  const lines = new LineMap(text, file);
  const diagnostics: Diagnostic[] = [];
  const scan = scanComments(lines);
  let ast: FileNode;
  let complete = scan.unterminatedAt === undefined;
  try {
    ast = pegParse(blankComments(text, scan.comments), { grammarSource: file }) as FileNode;
  } catch (e) {
    // Recovery makes the grammar total: this is the stack running out on absurd nesting.
    ast = emptyFile(lines);
    complete = false;
    diagnostics.push(
      diag('NDL001', lines.span(0, Math.min(1, text.length)), {
        expected: 'blocks nested less deeply',
        found: `nesting the parser cannot follow (${(e as Error).message})`,
      }),
    );
  }
  ast.comments = scan.comments;
  if (scan.unterminatedAt !== undefined) {
    diagnostics.push(diag('NDL012', lines.span(scan.unterminatedAt, scan.unterminatedAt + 2)));
  }
  reportBadRegions(ast.body, 'top', lines, scan.unterminatedAt, diagnostics);
  for (const node of ast.body) {
    if (node.kind === 'bad') complete = false;
    if (node.kind !== 'device') continue;
    if (node.unclosed || node.items.some((i) => i.kind === 'bad')) complete = false;
    reportBadRegions(node.items, 'item', lines, scan.unterminatedAt, diagnostics);
  }
  const gathered = gather(ast);
  checkSyntaxRules(ast, gathered, diagnostics);
  attachDocs(ast, text, gathered.documented);
  return { ast, diagnostics: sortDiagnostics(diagnostics), complete };
}

/** One walk over the tree for everything the file-level passes need. */
function gather(ast: FileNode): Gathered & { documented: Documented[] } {
  const out: Gathered & { documented: Documented[] } = {
    mods: [],
    hugeNumbers: [],
    documented: [],
  };
  walk(ast.body, (obj) => {
    const kind = obj.kind as string | undefined;
    if (kind === 'num') {
      if (Number.isNaN(obj.value))
        out.hugeNumbers.push(obj as unknown as { raw: string; loc: Span });
      return;
    }
    if (kind && DOCUMENTED.has(kind)) out.documented.push(obj as unknown as Documented);
    if (Array.isArray(obj.mods)) out.mods.push(obj.mods as Gathered['mods'][number]);
  });
  return out;
}

/**
 * The text with every comment replaced by spaces (line breaks kept), so offsets, lines
 * and columns are unchanged and the grammar skips comments as plain blanks.
 */
function blankComments(text: string, comments: readonly Comment[]): string {
  if (comments.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const c of comments) {
    parts.push(
      text.slice(at, c.loc.start),
      c.kind === 'block' ? c.text.replace(/[^\n]/g, ' ') : ' '.repeat(c.text.length),
    );
    at = c.loc.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function emptyFile(lines: LineMap): FileNode {
  return {
    kind: 'file',
    file: lines.file,
    body: [],
    comments: [] as Comment[],
    loc: lines.span(0, lines.text.length),
  };
}

type Context = 'top' | 'item';

/** A word that starts a well-formed item: a region starting with one is an item of its own. */
const ITEM_START =
  /^(import|device|ref|pci|bar|space|const|fieldset|register|counter|descriptor|ring|sequence)\b/;

function reportBadRegions(
  list: readonly TopNode[],
  context: Context,
  lines: LineMap,
  commentOpenAt: number | undefined,
  out: Diagnostic[],
): void {
  for (let i = 0; i < list.length; i++) {
    const node = list[i];
    if (node.kind !== 'bad') continue;
    // Past an unterminated `/*` everything is comment text: one error (NDL012) says so.
    if (commentOpenAt !== undefined && node.loc.start >= commentOpenAt) continue;
    out.push(explainBad(node, list[i - 1], context, lines));
  }
}

/**
 * Re-parses a bad region to find what was expected. When the region does not begin an
 * item of its own, it is the tail of the item before it (e.g. a modifier missing its
 * value), so the re-parse starts from that item.
 */
function explainBad(
  bad: BadNode,
  prev: TopNode | undefined,
  context: Context,
  lines: LineMap,
): Diagnostic {
  const text = lines.text;
  const regionText = text.slice(bad.loc.start, bad.loc.end);
  const startsItem = ITEM_START.exec(regionText);
  if (
    context === 'item' &&
    startsItem &&
    (startsItem[1] === 'device' || startsItem[1] === 'import')
  ) {
    const word = startsItem[1];
    const span = lines.span(bad.loc.start, bad.loc.start + word.length);
    return word === 'device'
      ? diag('NDL005', span)
      : diag('NDL013', span, {
          keyword: 'import',
          reason: 'imports come first in a file, outside the device block',
        });
  }
  const continues = !startsItem && !regionText.startsWith('}') && prev && prev.kind !== 'bad';
  const from = continues ? prev.loc.start : bad.loc.start;
  const error = reparse(text.slice(from, bad.loc.end), lines.file, context);
  let at = error?.location ? from + error.location.start.offset : bad.loc.start;
  // A failure at the region's end is about the token that stopped the region.
  if (at >= bad.loc.end) at = skipTrivia(text, bad.loc.end);
  const found = tokenAt(text, at);
  const expected = error?.expected ? describeExpected(error.expected, context) : 'an item';
  const word = /^'([A-Za-z_][\w-]*)'$/.exec(found.text);
  const hint =
    word && error?.expected ? didYouMean(word[1], expectedWords(error.expected)) : undefined;
  const unfinished = !hint && !(error?.expected ?? []).some((e) => e.text === '}');
  const span = caretSpan(lines, at, found.length, from, unfinished);
  return diag('NDL001', span, { expected, found: found.text }, { hint });
}

/**
 * The found token, or, when something was left unfinished (a value, a bracket) and the
 * next token is on a later line, the place where the item stopped: just after the last
 * token it read.
 */
function caretSpan(
  lines: LineMap,
  at: number,
  length: number,
  floor: number,
  unfinished: boolean,
): Span {
  const stop = endOfPreviousToken(lines.text, at, floor);
  return unfinished && lines.lineOf(stop) < lines.lineOf(at)
    ? lines.span(stop, stop + 1)
    : lines.span(at, at + length);
}

function endOfPreviousToken(text: string, at: number, floor: number): number {
  let k = at;
  while (k > floor && /\s/.test(text[k - 1])) k--;
  return k;
}

function skipTrivia(text: string, offset: number): number {
  const trivia = /(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/y;
  trivia.lastIndex = offset;
  trivia.exec(text);
  return trivia.lastIndex;
}

function reparse(region: string, file: string, context: Context): PegError | undefined {
  try {
    pegParse(region, { grammarSource: file, mode: context === 'top' ? 'top' : 'item' });
    return undefined;
  } catch (e) {
    return e as PegError;
  }
}
