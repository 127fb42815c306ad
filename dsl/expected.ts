/**
 * Turns the grammar's "expected" set at a failure into words a reader can act on:
 * keyword groups become "an item", "a ring property", "a sequence step"; punctuation is
 * quoted; the found token is read whole from the source (a word, a number, a string).
 */
export interface Expectation {
  type: string;
  text?: string;
  description?: string;
}

/** Keyword sets that mean one thing to a reader; listed in full they would drown the message. */
const GROUPS: Array<{ name: string; words: string[] }> = [
  {
    name: 'an item (register, counter, descriptor, ring, sequence, const, …)',
    words: [
      'ref',
      'pci',
      'bar',
      'space',
      'const',
      'fieldset',
      'register',
      'counter',
      'descriptor',
      'ring',
      'sequence',
    ],
  },
  {
    name: 'a ring property (direction, base, length, head, tail, count, align, buffer, complete, last, report, on post)',
    words: [
      'direction',
      'base',
      'length',
      'head',
      'tail',
      'count',
      'align',
      'buffer',
      'complete',
      'last',
      'report',
      'on',
    ],
  },
  {
    name: 'a step (write, modify, set, clear, read, wait, delay, call)',
    words: ['write', 'modify', 'set', 'clear', 'read', 'wait', 'delay', 'call'],
  },
  {
    name: 'a register modifier (reset, ref, in, split, bar, fields)',
    words: ['reset', 'in', 'split', 'fields'],
  },
  {
    name: 'a field modifier (access, self-clearing, reset, ref, enum)',
    words: ['self-clearing', 'enum'],
  },
];

const LIMIT = 6;

/** Keywords among the expectations, for a "did you mean" on a misspelt keyword. */
export function expectedWords(expected: readonly Expectation[]): string[] {
  const words = expected
    .filter((e) => e.type === 'literal' && /^[a-z]/.test(e.text ?? ''))
    .map((e) => e.text as string);
  const present = new Set(words);
  for (const g of GROUPS) {
    if (g.words.filter((w) => present.has(w)).length * 2 >= g.words.length) words.push(...g.words);
  }
  return words;
}

export function describeExpected(
  expected: readonly Expectation[],
  context: 'top' | 'item',
): string {
  const items = new Set<string>();
  for (const e of expected) {
    if (e.type === 'literal') items.add(`'${e.text}'`);
    else if (e.type === 'end') items.add('end of file');
    else if (e.description) items.add(e.description);
  }
  const parts: string[] = [];
  for (const g of GROUPS) {
    const quoted = g.words.map((w) => `'${w}'`);
    // A word the found token starts with (`heads` for `head`) drops out of the set.
    const missing = quoted.filter((q) => !items.has(q)).length;
    if (missing <= Math.floor(quoted.length / 4)) {
      for (const q of quoted) items.delete(q);
      parts.push(g.name);
    }
  }
  if (items.has("'import'") && items.has("'device'") && context === 'top') {
    items.delete("'import'");
    items.delete("'device'");
    parts.unshift("'import', 'device'");
  }
  // Access keywords are a token class already named "access"; drop their literals if any.
  const rest = [...items].sort();
  const all = [...parts, ...rest];
  if (all.length === 0) return 'something else';
  if (all.length > LIMIT) return `${all.slice(0, LIMIT).join(', ')} or other tokens`;
  return all.length === 1 ? all[0] : `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`;
}

/** The token starting at `offset`, for "found …" (quoted), and its length in the source. */
export function tokenAt(text: string, offset: number): { text: string; length: number } {
  if (offset >= text.length) return { text: 'end of file', length: 0 };
  const rest = text.slice(offset, offset + 80);
  const m =
    /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest) ??
    /^[0-9][0-9A-Za-z_]*/.exec(rest) ??
    /^"[^"\n]*"?/.exec(rest) ??
    /^(\/\*|\/\/|==|!=|\.\.)/.exec(rest);
  if (m) return { text: `'${m[0]}'`, length: m[0].length };
  const ch = rest[0];
  if (ch === '\n' || ch === '\r') return { text: 'end of line', length: 1 };
  return { text: `'${ch}'`, length: 1 };
}
