/**
 * Offsets ↔ line/column for one source text. Spans from the grammar already carry both;
 * this serves the places that only have an offset (the comment lexer, re-parsed syntax
 * errors) and the renderer, which prints source lines.
 */
import type { Span } from './ast.js';

export class LineMap {
  /** Offset of the first character of each line. */
  private readonly starts: number[] = [0];

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1))
      this.starts.push(i + 1);
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  span(start: number, end: number): Span {
    const line = this.lineOf(start);
    const endLine = this.lineOf(end);
    return {
      file: this.file,
      line,
      col: start - this.starts[line - 1] + 1,
      endLine,
      endCol: end - this.starts[endLine - 1] + 1,
      start,
      end,
    };
  }
}
