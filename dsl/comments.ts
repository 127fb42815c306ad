/**
 * The comment lexer: finds every comment of a source text, in order, without parsing.
 * The grammar skips comments; the formatter needs all of them back, and `///` docs are
 * attached to items from here (dsl/docs.ts).
 */
import type { Comment } from './ast.js';
import type { LineMap } from './lines.js';

export interface CommentScan {
  comments: Comment[];
  /** Offset of a `/*` that is never closed, if any. */
  unterminatedAt?: number;
}

export function scanComments(lines: LineMap): CommentScan {
  const text = lines.text;
  const comments: Comment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      let end = text.indexOf('\n', i);
      if (end === -1) end = text.length;
      const body = text.slice(i, end).replace(/\r$/, '');
      const kind = body.startsWith('///') && !body.startsWith('////') ? 'doc' : 'line';
      comments.push({ kind, text: body, loc: lines.span(i, i + body.length) });
      i = end;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) return { comments, unterminatedAt: i };
      comments.push({
        kind: 'block',
        text: text.slice(i, close + 2),
        loc: lines.span(i, close + 2),
      });
      i = close + 2;
    } else {
      i++;
    }
  }
  return { comments };
}

const QUOTE = 0x22;
const SLASH = 0x2f;
const STAR = 0x2a;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** Skips a string literal; an unterminated one ends at the end of its line. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
    else if (c === NEWLINE) return j;
  }
  return text.length;
}
