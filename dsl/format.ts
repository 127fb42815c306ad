/**
 * The canonical formatter (`nicdl fmt`).
 *
 * Layout rules, all derived from the tree and the comments (never from the old layout
 * except blank lines), so formatting twice changes nothing:
 * - two-space indent; one item, field, property or step per line;
 * - a small block (`enum`, bit fields, `complete`, `on post`, `write … { }`) stays on one
 *   line when it holds no comment and the line fits in MAX_LINE columns; a longer one
 *   takes one entry per line, except enums and bit fields, which are packed like prose;
 * - at most one blank line where the source had one or more, none after `{` or before `}`;
 * - consecutive lines of fields and descriptor fields line up their columns, and trailing
 *   comments line up within a run of lines (as gofmt does);
 * - numbers, strings and modifiers keep their spelling and order; `split` moves next to
 *   the width (`u64 split rc`), `fields NAME` moves last, before the register's body.
 * Every comment is kept. One inside an item's header moves to the end of that line.
 */
import type {
  Comment,
  DescFieldNode,
  DescriptorNode,
  DeviceNode,
  EnumValueNode,
  FieldMod,
  FieldNode,
  FieldPath,
  FieldsetNode,
  FileNode,
  ItemNode,
  NumExpr,
  PostValue,
  RefMod,
  RegisterMod,
  RegisterNode,
  RegTarget,
  RingNode,
  RingProp,
  SequenceNode,
  Span,
  StepNode,
  TimeNode,
  TopNode,
} from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { parse } from './parse.js';

/** Longest line an inline block may produce. */
const MAX_LINE = 100;
/** Lines longer than this do not push a run's trailing comments to the right. */
const MAX_ALIGN_CODE = 64;
const INDENT = '  ';

export interface FormatResult {
  /** The formatted text; absent when the source has syntax errors. */
  text?: string;
  diagnostics: Diagnostic[];
}

/**
 * Formats a source text. Refuses (no text) when part of it could not be parsed, since
 * printing the tree would drop that part; other errors (a repeated modifier, a second
 * device) do not stop formatting.
 */
export function format(text: string, file = '<input>'): FormatResult {
  const { ast, diagnostics, complete } = parse(text, file);
  if (!complete) return { diagnostics };
  return { text: formatAst(ast), diagnostics };
}

export function formatAst(ast: FileNode): string {
  const p = new Printer(ast.comments);
  p.block(ast.body, (n) => p.top(n), { start: 0, end: ast.loc.end }, true);
  return p.finish();
}

interface Line {
  indent: number;
  /** Code columns; aligned within a run when `group` is set, else joined by one space. */
  cols: string[];
  group?: string;
  trailing: string[];
  /** A blank line precedes this one. */
  blankBefore: boolean;
}

class Printer {
  private readonly lines: Line[] = [];
  private cur: Line | undefined;
  private depth = 0;
  private next = 0;

  constructor(private readonly comments: readonly Comment[]) {}

  // ---------------------------------------------------------------- structure

  /**
   * Prints a list of children, each on its own line(s), with the comments around them.
   * `body` is the block's span: comments inside it and after the last child are kept at
   * the end of the block.
   */
  block<T extends { loc: Span }>(
    children: readonly T[],
    print: (child: T) => void,
    body: { start: number; end: number },
    topLevel = false,
  ): void {
    let prevEndLine = -1;
    const gap = (startLine: number) => prevEndLine >= 0 && startLine > prevEndLine + 1;
    children.forEach((child, index) => {
      // Comments before the child, and inside its header (before its first block), go
      // on lines of their own above it.
      const head = headEnd(child);
      while (this.peek() && this.peek()!.loc.start < head) {
        const c = this.take();
        this.ownLine(c.text, gap(c.loc.line));
        prevEndLine = c.loc.endLine;
      }
      this.blankNext = gap(child.loc.line);
      print(child);
      // Comments on the child's last line trail it, unless they belong to the next child.
      this.finishNode(child.loc.end, child.loc.endLine, children[index + 1]?.loc.start ?? body.end);
      prevEndLine = Math.max(child.loc.endLine, this.lastTakenLine);
    });
    while (this.peek() && (topLevel || this.peek()!.loc.start < body.end)) {
      const c = this.take();
      this.ownLine(c.text, gap(c.loc.line));
      prevEndLine = c.loc.endLine;
    }
  }

  private blankNext = false;
  private lastTakenLine = -1;

  /** Ends the line of a finished node, moving comments from inside it and after it on its last line to its end. */
  private finishNode(end: number, endLine: number, limit: number): void {
    const line = this.line();
    let spilled = false;
    while (
      this.peek() &&
      (this.peek()!.loc.start < end ||
        (this.peek()!.loc.line === endLine && this.peek()!.loc.start < limit))
    ) {
      const c = this.take();
      // Nothing can follow a line comment on its line: later ones get lines of their own.
      spilled ||= line.trailing.some((t) => t.startsWith('//'));
      if (spilled) this.ownLine(c.text, false);
      else line.trailing.push(c.text);
      this.lastTakenLine = c.loc.endLine;
    }
    this.endLine();
  }

  /** Opens a `{ … }` block on the current line; comments on the brace's line trail it. */
  openBrace(body: Span, firstChildStart: number): void {
    this.word('{');
    while (
      this.peek() &&
      this.peek()!.loc.line === body.line &&
      this.peek()!.loc.start < firstChildStart
    ) {
      this.line().trailing.push(this.take().text);
    }
    this.endLine();
    this.depth++;
  }

  closeBrace(): void {
    this.endLine();
    this.depth--;
    this.word('}');
  }

  /** Prints a braced block of children, or `{}` when it holds nothing at all. */
  braced<T extends { loc: Span }>(
    children: readonly T[],
    body: Span,
    print: (child: T) => void,
  ): void {
    if (children.length === 0 && !this.commentBefore(body.end)) {
      this.word('{}');
      return;
    }
    this.openBrace(body, children[0]?.loc.start ?? body.end);
    this.block(children, print, body);
    this.closeBrace();
  }

  /**
   * A small block: on one line when it holds no comment and fits, otherwise one entry
   * per line. `render` gives each entry's inline text.
   */
  small<T extends { loc: Span }>(
    children: readonly T[],
    body: Span,
    render: (child: T) => string,
    sep: string,
    printLine: (child: T) => void = (c) => this.word(render(c)),
    fill = false,
  ): void {
    const inline = children.length === 0 ? '{}' : `{ ${children.map(render).join(sep)} }`;
    if (this.commentBefore(body.end)) {
      this.braced(children, body, printLine);
      return;
    }
    if (this.width() + 1 + inline.length <= MAX_LINE) {
      this.word(inline);
      return;
    }
    if (fill) this.fill(children.map(render), sep);
    else this.braced(children, body, printLine);
  }

  /** A comment-free block too long for one line: entries packed into lines, as prose is. */
  private fill(entries: string[], sep: string): void {
    this.word('{');
    this.endLine();
    this.depth++;
    const room = MAX_LINE - this.depth * INDENT.length;
    const joint = sep.trimEnd();
    const gap = sep === ' ' ? '  ' : ' ';
    let line = '';
    entries.forEach((e, i) => {
      const piece = i < entries.length - 1 ? e + joint : e;
      if (line && line.length + gap.length + piece.length > room) {
        this.word(line);
        this.endLine();
        line = '';
      }
      line = line ? line + gap + piece : piece;
    });
    if (line) this.word(line);
    this.closeBrace();
  }

  // ---------------------------------------------------------------- lines

  private line(): Line {
    if (!this.cur) {
      this.cur = { indent: this.depth, cols: [], trailing: [], blankBefore: this.blankNext };
      this.blankNext = false;
      this.lines.push(this.cur);
    }
    return this.cur;
  }

  word(text: string): void {
    const l = this.line();
    if (l.cols.length === 0 || l.group) l.cols.push(text);
    else l.cols[l.cols.length - 1] += ` ${text}`;
  }

  /** Starts a line whose columns line up with neighbouring lines of the same group. */
  columns(group: string, cols: string[]): void {
    const l = this.line();
    l.group = group;
    l.cols.push(...cols);
  }

  /** Continues the last column of a grouped line (no further alignment). */
  tail(text: string): void {
    const l = this.line();
    l.cols[l.cols.length - 1] += ` ${text}`;
  }

  endLine(): void {
    this.cur = undefined;
  }

  private ownLine(text: string, blank: boolean): void {
    this.endLine();
    this.lines.push({ indent: this.depth, cols: [text], trailing: [], blankBefore: blank });
  }

  private width(): number {
    const l = this.cur;
    if (!l) return this.depth * INDENT.length;
    return l.indent * INDENT.length + l.cols.join(' ').length;
  }

  // ---------------------------------------------------------------- comments

  private peek(): Comment | undefined {
    return this.comments[this.next];
  }

  private take(): Comment {
    return this.comments[this.next++];
  }

  private commentBefore(offset: number): boolean {
    const c = this.peek();
    return c !== undefined && c.loc.start < offset;
  }

  // ---------------------------------------------------------------- output

  finish(): string {
    this.endLine();
    alignRuns(this.lines);
    const out: string[] = [];
    for (const l of this.lines) {
      if (l.blankBefore && out.length > 0) out.push('');
      out.push(render(l));
    }
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  // ---------------------------------------------------------------- nodes

  top(n: TopNode): void {
    switch (n.kind) {
      case 'import':
        this.word(`import ${n.path.raw}`);
        return;
      case 'device':
        return this.device(n);
      default:
        return this.item(n);
    }
  }

  private device(n: DeviceNode): void {
    this.word(`device ${n.name.name}`);
    this.refMods(n.mods);
    this.braced(n.items, n.bodyLoc, (i) => this.item(i));
  }

  item(n: ItemNode): void {
    switch (n.kind) {
      case 'ref':
        return this.word(`ref ${n.text.raw}`);
      case 'pci':
        return this.word(
          `pci ${n.ids.map((id) => `${num(id.vendor)}:${num(id.device)}${id.name ? ` ${id.name.raw}` : ''}`).join(', ')}`,
        );
      case 'bar':
        return this.word(`bar ${num(n.index)} ${n.space.value} ${num(n.size)}`);
      case 'space':
        this.word(`space ${n.name.name} : ${n.width.value}`);
        return this.refMods(n.mods);
      case 'const':
        this.word(`const ${n.name.name} = ${num(n.value)}`);
        return this.refMods(n.mods);
      case 'fieldset':
        return this.fieldset(n);
      case 'register':
        return this.register(n);
      case 'descriptor':
        return this.descriptor(n);
      case 'ring':
        return this.ring(n);
      case 'sequence':
        return this.sequence(n);
      case 'bad':
        throw new Error('cannot format a file with syntax errors');
    }
  }

  private refMods(mods: readonly RefMod[]): void {
    for (const m of mods) this.word(`ref ${m.text.raw}`);
  }

  private register(n: RegisterNode): void {
    const count = n.count ? `[${num(n.count)}]` : '';
    const stride = n.stride ? ` stride ${num(n.stride)}` : '';
    const splitAt = n.mods.findIndex((m) => m.kind === 'split');
    const split = splitAt >= 0 ? ' split' : '';
    this.word(
      `${n.counter ? 'counter' : 'register'} ${n.name.name}${count} @ ${num(n.offset)}${stride} : ${n.width.value}${split} ${n.access.value}`,
    );
    n.mods.forEach((m, i) => {
      if (i !== splitAt && m.kind !== 'fields') this.word(registerMod(m));
    });
    // The shared fields come right before the register's own, as they do in its layout.
    for (const m of n.mods) if (m.kind === 'fields') this.word(registerMod(m));
    if (n.fields && n.bodyLoc) this.fieldBlock(n.fields, n.bodyLoc);
  }

  private fieldset(n: FieldsetNode): void {
    this.word(`fieldset ${n.name.name}`);
    this.refMods(n.mods);
    this.fieldBlock(n.fields, n.bodyLoc);
  }

  /** Register fields and descriptor bit fields: inline when short and comment-free. */
  private fieldBlock(fields: readonly FieldNode[], body: Span): void {
    const simple = fields.every((f) => !f.mods.some((m) => m.kind === 'enum'));
    if (simple) {
      this.small(
        fields,
        body,
        (f) => fieldText(f),
        ' ',
        (f) => this.field(f),
        true,
      );
      return;
    }
    this.braced(fields, body, (f) => this.field(f));
  }

  private field(f: FieldNode): void {
    this.columns('field', [f.name.name, bits(f)]);
    for (const m of f.mods) {
      if (m.kind === 'enum') {
        this.tail('enum');
        this.enumBlock(m.values, m.loc);
      } else this.tail(fieldMod(m));
    }
  }

  private enumBlock(values: readonly EnumValueNode[], loc: Span): void {
    const body = { ...loc, start: loc.start };
    const text = (v: EnumValueNode) => `${v.name.name} = ${num(v.value)}`;
    this.small(values, body, text, ', ', (v) => this.word(text(v)), true);
  }

  private descriptor(n: DescriptorNode): void {
    this.word(`descriptor ${n.name.name} : ${num(n.size)} bytes`);
    this.refMods(n.mods);
    if (n.layouts) {
      this.braced(n.layouts, n.bodyLoc, (l) => {
        this.word(l.which.value);
        this.braced(l.fields, l.bodyLoc, (f) => this.descField(f));
      });
    } else {
      this.braced(n.fields ?? [], n.bodyLoc, (f) => this.descField(f));
    }
  }

  private descField(f: DescFieldNode): void {
    this.columns('descField', [f.name.name, f.type.value, `@ ${num(f.offset)}`]);
    for (const m of f.mods) this.tail(`ref ${m.text.raw}`);
    if (f.bits && f.bodyLoc) this.fieldBlock(f.bits, f.bodyLoc);
  }

  private ring(n: RingNode): void {
    this.word(`ring ${n.name.name} : ${n.formats.map((f) => f.name).join(', ')}`);
    this.refMods(n.mods);
    this.braced(n.props, n.bodyLoc, (p) => this.ringProp(p));
  }

  private ringProp(p: RingProp): void {
    switch (p.kind) {
      case 'direction':
        return this.word(`direction ${p.value.value}`);
      case 'base':
        return this.word(`base ${p.lo.name}, ${p.hi.name}`);
      case 'length':
        return this.word(`length ${p.reg.name}`);
      case 'head':
      case 'tail':
        return this.word(`${p.kind} ${p.reg.name}${p.owner ? ` owner ${p.owner.value}` : ''}`);
      case 'count': {
        const step = p.step ? ` step ${num(p.step)}` : '';
        const def = p.default ? ` default ${num(p.default)}` : '';
        return this.word(`count ${num(p.min)} .. ${num(p.max)}${step}${def}`);
      }
      case 'align':
        return this.word(`align ${num(p.value)}`);
      case 'buffer':
        return this.word(`buffer ${num(p.default)}${p.max ? ` max ${num(p.max)}` : ''}`);
      case 'complete':
        this.word('complete');
        return this.small(p.entries, p.bodyLoc, (e) => `${e.key.name} = ${path(e.value)}`, ', ');
      case 'last':
      case 'report':
        return this.word(`${p.kind} ${path(p.path)}`);
      case 'post':
        this.word('on post');
        return this.small(
          p.assigns,
          p.bodyLoc,
          (a) => `${a.field.name} = ${postValue(a.value)}`,
          ', ',
        );
    }
  }

  private sequence(n: SequenceNode): void {
    const params = n.params.length > 0 ? `(${n.params.map((x) => x.name).join(', ')})` : '';
    this.word(`sequence ${n.name.name}${params}`);
    this.refMods(n.mods);
    this.braced(n.steps, n.bodyLoc, (s) => this.step(s));
  }

  private step(s: StepNode): void {
    switch (s.kind) {
      case 'write':
        if (s.fields && s.bodyLoc) {
          this.word(`write ${target(s.target)}`);
          return this.small(s.fields, s.bodyLoc, (a) => `${a.field.name} = ${num(a.value)}`, ', ');
        }
        return this.word(`write ${target(s.target)} = ${num(s.value as NumExpr)}`);
      case 'modify':
        this.word(`modify ${target(s.target)}`);
        return this.small(s.fields, s.bodyLoc, (a) => `${a.field.name} = ${num(a.value)}`, ', ');
      case 'set':
      case 'clear':
        return this.word(`${s.kind} ${target(s.target)}.${s.field.name}`);
      case 'read':
        return this.word(`read ${target(s.target)}`);
      case 'wait': {
        const field = s.field ? `.${s.field.name}` : '';
        const within = s.within ? ` within ${time(s.within)}` : '';
        const every = s.every ? ` every ${time(s.every)}` : '';
        return this.word(
          `wait ${target(s.target)}${field} ${s.cmp.value} ${num(s.value)}${within}${every}`,
        );
      }
      case 'delay':
        return this.word(`delay ${time(s.time)}`);
      case 'call':
        return this.word(`call ${s.name.name}`);
    }
  }
}

// ------------------------------------------------------------------ tokens

/** Where a node's first `{ … }` block starts (its end when it has none): its header ends there. */
function headEnd(node: { loc: Span }): number {
  const n = node as { loc: Span; bodyLoc?: Span; mods?: Array<{ kind: string; loc: Span }> };
  if (n.bodyLoc) return n.bodyLoc.start;
  const block = n.mods?.find((m) => m.kind === 'enum');
  return block ? block.loc.start : n.loc.end;
}

function num(n: NumExpr): string {
  return n.kind === 'num' ? n.raw : n.name;
}

function bits(f: FieldNode): string {
  return f.lsb ? `[${num(f.msb)}:${num(f.lsb)}]` : `[${num(f.msb)}]`;
}

function fieldText(f: FieldNode): string {
  return [f.name.name, bits(f), ...f.mods.map(fieldMod)].join(' ');
}

function fieldMod(m: FieldMod): string {
  switch (m.kind) {
    case 'access':
      return m.access.value;
    case 'selfClearing':
      return 'self-clearing';
    case 'reset':
      return `reset ${num(m.value)}`;
    case 'ref':
      return `ref ${m.text.raw}`;
    case 'enum':
      return `enum { ${m.values.map((v) => `${v.name.name} = ${num(v.value)}`).join(', ')} }`;
  }
}

function registerMod(m: RegisterMod): string {
  switch (m.kind) {
    case 'reset':
      return `reset ${num(m.value)}`;
    case 'ref':
      return `ref ${m.text.raw}`;
    case 'in':
      return `in ${m.space.name}`;
    case 'split':
      return 'split';
    case 'bar':
      return `bar ${num(m.index)}`;
    case 'fields':
      return `fields ${m.name.name}`;
  }
}

function path(p: FieldPath): string {
  return p.bit ? `${p.field.name}.${p.bit.name}` : p.field.name;
}

function postValue(v: PostValue): string {
  switch (v.kind) {
    case 'buffer':
    case 'length':
      return v.kind;
    case 'num':
      return v.raw;
    case 'bits':
      return v.bits
        .map((b) => (b.value ? `${b.name.name}(${num(b.value)})` : b.name.name))
        .join(' | ');
  }
}

function target(t: RegTarget): string {
  return t.index ? `${t.reg.name}[${num(t.index)}]` : t.reg.name;
}

function time(t: TimeNode): string {
  return `${num(t.value)} ${t.unit.value}`;
}

// ------------------------------------------------------------------ alignment

function codeOf(l: Line): string {
  return l.cols.join(' ');
}

function render(l: Line): string {
  const code = codeOf(l);
  const pad = INDENT.repeat(l.indent);
  const text = l.trailing.length > 0 ? `${code}${code ? ' ' : ''}${l.trailing.join(' ')}` : code;
  return text.includes('\n') ? pad + text : (pad + text).trimEnd();
}

/**
 * Lines up columns and trailing comments within runs: consecutive lines (no blank line
 * between) at the same indent. Columns line up among lines of one group; trailing
 * comments among every line of the run short enough to take part.
 */
function alignRuns(lines: Line[]): void {
  let i = 0;
  while (i < lines.length) {
    let j = i + 1;
    while (j < lines.length && !lines[j].blankBefore && lines[j].indent === lines[i].indent) j++;
    alignColumns(lines.slice(i, j));
    alignTrailing(lines.slice(i, j));
    i = j;
  }
}

function alignColumns(run: Line[]): void {
  let k = 0;
  while (k < run.length) {
    const group = run[k].group;
    let m = k + 1;
    while (m < run.length && run[m].group === group) m++;
    if (group) {
      const slice = run.slice(k, m);
      const n = Math.max(...slice.map((l) => l.cols.length));
      for (let c = 0; c < n - 1; c++) {
        const w = Math.max(...slice.map((l) => (l.cols.length > c + 1 ? l.cols[c].length : 0)));
        for (const l of slice) if (l.cols.length > c + 1) l.cols[c] = l.cols[c].padEnd(w);
      }
    }
    k = m;
  }
}

function alignTrailing(run: Line[]): void {
  const eligible = (l: Line) =>
    l.trailing.length > 0 &&
    l.cols.length > 0 &&
    !codeOf(l).includes('\n') &&
    codeOf(l).length <= MAX_ALIGN_CODE;
  const w = Math.max(0, ...run.filter(eligible).map((l) => codeOf(l).length));
  for (const l of run) {
    if (!eligible(l)) continue;
    const last = l.cols.length - 1;
    l.cols[last] += ' '.repeat(w - codeOf(l).length + 1);
  }
}
