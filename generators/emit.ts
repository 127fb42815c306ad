/**
 * Shared writer helpers for every generator: an indenting line writer, number formatting
 * (zero-padded hex, the same everywhere so outputs diff cleanly), identifier casing and
 * the "do not edit" header. Generators build text only through these, so the same IR
 * always gives the same bytes.
 */
import type { Device } from '../spec/ir.js';

/** Collects lines with indentation; `toString()` ends with exactly one newline. */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  constructor(private readonly indentUnit = '  ') {}

  /** One line at the current indentation; an empty string gives an empty line. */
  line(text = ''): this {
    this.lines.push(text === '' ? '' : this.indentUnit.repeat(this.depth) + text);
    return this;
  }

  /** `open`, the body one level deeper, then `close`. */
  block(open: string, body: () => void, close = '}'): this {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    return this.line(close);
  }

  /**
   * A JSDoc comment from paragraphs, wrapped to the line width; nothing when every
   * paragraph is empty.
   */
  doc(...paragraphs: Array<string | undefined>): this {
    const text = paragraphs.filter((p): p is string => p !== undefined && p.trim() !== '');
    if (text.length === 0) return this;
    const width = DOC_WIDTH - this.indentUnit.length * this.depth - 3;
    const body = text
      .join('\n\n')
      .replace(/\*\//g, '*\\/')
      .split('\n')
      .flatMap((l) => wrap(l, width));
    if (body.length === 1 && body[0].length + 7 <= width + 3) return this.line(`/** ${body[0]} */`);
    this.line('/**');
    for (const l of body) this.line(l === '' ? ' *' : ` * ${l}`);
    return this.line(' */');
  }

  /** A blank line unless the previous line is already blank or opens a block. */
  gap(): this {
    const last = this.lines[this.lines.length - 1];
    if (last !== undefined && last !== '' && !last.endsWith('{')) this.lines.push('');
    return this;
  }

  toString(): string {
    while (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    return this.lines.join('\n') + '\n';
  }
}

/** Generated lines (code comments included) aim to stay within this many columns. */
const DOC_WIDTH = 100;

/**
 * Splits `line` at spaces into pieces no longer than `width` (a longer word stays whole).
 * List items keep their hanging indent.
 */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^(\s*(?:- |\d+\. )?)/.exec(line)![1].replace(/[^\s]/g, ' ');
  const words = line.split(' ');
  const out: string[] = [];
  let cur = '';
  for (const word of words) {
    if (cur !== '' && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = indent + word;
    } else {
      cur = cur === '' ? word : `${cur} ${word}`;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Hex digits needed to write `n` (at least 1). */
export function hexDigits(n: number): number {
  return Math.max(1, n.toString(16).length);
}

/**
 * `0x00C0`-style hex: upper-case digits, zero-padded to `digits`, with `_` every four
 * digits when longer than four (TypeScript and the docs both accept the separators).
 */
export function hex(n: number, digits = 4, separators = true): string {
  const raw = n.toString(16).toUpperCase().padStart(digits, '0');
  if (!separators || raw.length <= 4) return `0x${raw}`;
  const groups: string[] = [];
  for (let end = raw.length; end > 0; end -= 4)
    groups.unshift(raw.slice(Math.max(0, end - 4), end));
  return `0x${groups.join('_')}`;
}

/** A 32-bit value as `0xFFFF_FFFF`. */
export function hex32(n: number): string {
  return hex(n >>> 0, 8);
}

/** Hex digits for byte offsets in a BAR of `sizeBytes` (at least four). */
export function offsetDigits(sizeBytes: number): number {
  return Math.max(4, hexDigits(Math.max(0, sizeBytes - 1)));
}

/** `RX_CTRL` → `RxCtrl`, `tx_ring` → `TxRing`, `TxLegacy` → `TxLegacy`. */
export function pascal(name: string): string {
  const parts = name.split('_').filter((p) => p !== '');
  if (parts.length === 1 && /[a-z]/.test(name) && /[A-Z]/.test(name))
    return name[0].toUpperCase() + name.slice(1);
  return parts.map((p) => p[0].toUpperCase() + p.slice(1).toLowerCase()).join('');
}

/** `rss_hash` → `rssHash`, `addr` → `addr`, `DD` → `dd`. */
export function camel(name: string): string {
  const p = pascal(name);
  return p[0].toLowerCase() + p.slice(1);
}

/** Words that cannot name a function, class or binding in an ES module. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends ' +
    'false finally for function if import in instanceof new null return super switch this throw ' +
    'true try typeof var void while with yield let static implements interface package private ' +
    'protected public await arguments eval'
  ).split(' '),
);

/** A spec name usable as a binding: reserved words get a trailing `_`. */
export function safeIdent(name: string): string {
  return RESERVED.has(name) ? `${name}_` : name;
}

/** A JS string literal with single quotes. */
export function str(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** `// Generated by nicdl from <spec> (sha256 <hash>) — do not edit.` without the `//`. */
export function headerText(ir: Device): string {
  return `Generated by nicdl from ${ir.source.file} (sha256 ${ir.source.hash}) — do not edit.`;
}

/** Collapse a doc comment to one line (for tables and trailing comments). */
export function oneLine(doc: string | undefined): string {
  return (doc ?? '').replace(/\s+/g, ' ').trim();
}

/** A spec location as `file:line:col`, or the empty string. */
export function where(loc: { file: string; line: number; col: number } | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '';
}

/** A datasheet reference as `§13.4.1`, or undefined. */
export function sectionRef(ref: string | undefined): string | undefined {
  if (ref === undefined || ref === '') return undefined;
  return /^[0-9]/.test(ref) ? `§${ref}` : ref;
}

/**
 * A heading for an item: `NAME — doc (§ref)`. A doc of several sentences keeps its last
 * full stop after the reference: `NAME — First. Second (§3.4).`
 */
export function titled(
  name: string,
  doc: string | undefined,
  ref: string | undefined,
  fallback = '',
): string {
  const text = (doc ?? '').trim() || fallback;
  const section = sectionRef(ref);
  if (text === '') return section ? `${name} (${section})` : name;
  if (!section) return `${name} — ${text}`;
  return text.endsWith('.')
    ? `${name} — ${text.slice(0, -1)} (${section}).`
    : `${name} — ${text} (${section})`;
}

/** The first sentence of a doc comment (for tables and headings), without its full stop. */
export function firstSentence(doc: string | undefined): string {
  const text = oneLine(doc);
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return (m ? m[1] : text).replace(/\.$/, '');
}

/** A duration in the largest unit that keeps it whole: `10 ms`, `1 s`, `150 us`. */
export function duration(us: number): string {
  if (us !== 0 && us % 1_000_000 === 0) return `${us / 1_000_000} s`;
  if (us !== 0 && us % 1000 === 0) return `${us / 1000} ms`;
  return `${us} us`;
}
