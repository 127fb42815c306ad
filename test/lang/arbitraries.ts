/**
 * fast-check generators of .nicdl text. A spec is generated as a list of tokens, then laid
 * out with random separators (spaces, line breaks, blank lines, comments) and `///` docs,
 * so the formatter meets layouts nobody would write by hand.
 *
 * - `anySpec`: syntactically valid, semantically anything (names may dangle).
 * - `consistentSpec`: a device the checker must accept, with registers, fields, enums,
 *   a descriptor, a ring and sequences that fit together.
 * - `tokenSoup`: language words and punctuation in random order, for the never-throw property.
 */
import fc from 'fast-check';

/** A token, or a doc comment to put on its own line before the next token. */
type Tok = string | { doc: string };

const SEPARATORS = [
  ' ',
  ' ',
  ' ',
  '  ',
  '\n',
  '\n',
  '\n\n',
  '\n\n\n',
  '\t',
  ' /* note */ ',
  ' // note\n',
  '\n  // own line\n',
];

/** Joins tokens with random separators; docs go on lines of their own. */
export function layout(tokens: Tok[]): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...SEPARATORS), { minLength: tokens.length, maxLength: tokens.length })
    .map((seps) => {
      let out = '';
      tokens.forEach((t, i) => {
        if (typeof t === 'string') out += (i === 0 ? '' : seps[i]) + t;
        else out += `\n/// ${t.doc}\n`;
      });
      return `${out}\n`;
    });
}

// ------------------------------------------------------------------ pieces

const upper = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,5}$/);
const lower = fc.stringMatching(/^[a-z0-9]{1,5}$/).map((s) => `x_${s}`);
const docText = fc.stringMatching(/^[a-z][a-z ]{0,20}[a-z]$/);
const width = fc.constantFrom('u8', 'u16', 'u32', 'u64');
const access = fc.constantFrom('ro', 'rw', 'wo', 'rc', 'w1c', 'w1s');

/** A number in any spelling the language has (size suffixes only where a size is expected). */
const number = fc.oneof(
  fc.nat(100_000).map(String),
  fc.nat(0xffff_ffff).map(
    (n) =>
      `0x${n
        .toString(16)
        .toUpperCase()
        .padStart(8, '0')
        .replace(/(.{4})(?=.)/g, '$1_')}`,
  ),
  fc.nat(255).map((n) => `0b${n.toString(2)}`),
);
const size = fc.oneof(
  number,
  fc.nat(64).map((n) => `${n}K`),
);
const numOrName = fc.oneof(number, upper);
const sizeOrName = fc.oneof(size, upper);
const maybe = <T>(arb: fc.Arbitrary<T[]>) => fc.oneof(fc.constant([] as T[]), arb);
const withDoc = (arb: fc.Arbitrary<Tok[]>) =>
  fc
    .tuple(fc.option(docText, { nil: undefined }), arb)
    .map(([d, toks]) => (d ? [{ doc: d }, ...toks] : toks));

const fieldMod = fc.oneof(
  access.map((a) => [a]),
  fc.constant(['self-clearing']),
  numOrName.map((n) => ['reset', n]),
  fc.constant(['ref', '"x"']),
  fc
    .array(fc.tuple(upper, number), { minLength: 1, maxLength: 4 })
    .map((vs) => [
      'enum',
      '{',
      ...vs.flatMap(([n, v], i) => [n, '=', v, ...(i < vs.length - 1 ? [','] : [])]),
      '}',
    ]),
);

const field = withDoc(
  fc
    .tuple(
      upper,
      fc.nat(31),
      fc.option(fc.nat(31), { nil: undefined }),
      fc.array(fieldMod, { maxLength: 2 }),
    )
    .map(([n, msb, lsb, mods]) => [
      n,
      '[',
      String(msb),
      ...(lsb === undefined ? [] : [':', String(lsb)]),
      ']',
      ...mods.flat(),
    ]),
);

const fieldBlock = fc.array(field, { maxLength: 4 }).map((fs) => ['{', ...fs.flat(), '}']);

const register = withDoc(
  fc
    .tuple(
      fc.constantFrom('register', 'counter'),
      upper,
      fc.option(numOrName, { nil: undefined }),
      numOrName,
      width,
      access,
      fc.array(
        fc.oneof(
          numOrName.map((n) => ['reset', n]),
          fc.constant(['ref', '"13.4"']),
          fc.constant(['split']),
          lower.map((s) => ['in', s]),
          fc.nat(5).map((n) => ['bar', String(n)]),
        ),
        { maxLength: 2 },
      ),
      maybe(fieldBlock),
    )
    .map(([kw, name, count, off, w, a, mods, body]) => [
      kw,
      name,
      ...(count === undefined ? [] : ['[', count, ']']),
      '@',
      off,
      ...(count === undefined ? [] : ['stride', '4']),
      ':',
      w,
      a,
      ...mods.flat(),
      ...body,
    ]),
);

const descField = withDoc(
  fc
    .tuple(lower, width, fc.nat(15), maybe(fieldBlock))
    .map(([n, w, off, bits]) => [n, w, '@', String(off), ...bits]),
);

const descriptor = withDoc(
  fc.oneof(
    fc
      .tuple(upper, fc.array(descField, { maxLength: 4 }))
      .map(([n, fs]) => ['descriptor', n, ':', '16', 'bytes', '{', ...fs.flat(), '}']),
    fc
      .tuple(upper, fc.array(descField, { maxLength: 2 }), fc.array(descField, { maxLength: 2 }))
      .map(([n, r, w]) => [
        'descriptor',
        n,
        ':',
        '16',
        'bytes',
        '{',
        'read',
        '{',
        ...r.flat(),
        '}',
        'writeback',
        '{',
        ...w.flat(),
        '}',
        '}',
      ]),
  ),
);

const path = fc
  .tuple(lower, fc.option(upper, { nil: undefined }))
  .map(([f, b]) => (b ? `${f}.${b}` : f));
const postValue = fc.oneof(
  fc.constantFrom(['buffer'], ['length']),
  number.map((n) => [n]),
  fc
    .array(fc.tuple(upper, fc.option(fc.nat(7), { nil: undefined })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((bs) =>
      bs.flatMap(([b, v], i) => [
        ...(i ? ['|'] : []),
        ...(v === undefined ? [b] : [b, '(', String(v), ')']),
      ]),
    ),
);
const ringProp = fc.oneof(
  fc.constantFrom('tx', 'rx').map((d) => ['direction', d]),
  fc.tuple(upper, upper).map(([a, b]) => ['base', a, ',', b]),
  upper.map((r) => ['length', r]),
  fc.tuple(upper, fc.constantFrom([], ['owner', 'device'])).map(([r, o]) => ['head', r, ...o]),
  fc.tuple(upper, fc.constantFrom([], ['owner', 'driver'])).map(([r, o]) => ['tail', r, ...o]),
  fc.tuple(size, sizeOrName).map(([a, b]) => ['count', a, '..', b, 'step', '8', 'default', '256']),
  size.map((n) => ['align', n]),
  fc.tuple(size, sizeOrName).map(([a, b]) => ['buffer', a, 'max', b]),
  fc
    .array(fc.tuple(fc.constantFrom('done', 'eop', 'length', 'errors'), path), { maxLength: 3 })
    .map((es) => ['complete', '{', ...es.flatMap(([k, p]) => [k, '=', p]), '}']),
  path.map((p) => ['last', p]),
  path.map((p) => ['report', p]),
  fc
    .array(fc.tuple(lower, postValue), { maxLength: 3 })
    .map((as) => ['on', 'post', '{', ...as.flatMap(([f, v]) => [f, '=', ...v]), '}']),
);
const ring = withDoc(
  fc
    .tuple(lower, upper, fc.array(ringProp, { maxLength: 6 }))
    .map(([n, d, ps]) => ['ring', n, ':', d, '{', ...ps.flat(), '}']),
);

const target = fc
  .tuple(upper, fc.option(fc.nat(9), { nil: undefined }))
  .map(([r, i]) => (i === undefined ? r : `${r}[${i}]`));
const time = fc
  .tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('us', 'ms', 's'))
  .map(([n, u]) => [String(n), u]);
const assigns = fc
  .array(fc.tuple(upper, numOrName), { maxLength: 3 })
  .map((as) => [
    '{',
    ...as.flatMap(([f, v], i) => [f, '=', v, ...(i < as.length - 1 ? [','] : [])]),
    '}',
  ]);
const step = fc.oneof(
  fc.tuple(target, numOrName).map(([t, v]) => ['write', t, '=', v]),
  fc.tuple(target, assigns).map(([t, a]) => ['write', t, ...a]),
  fc.tuple(target, assigns).map(([t, a]) => ['modify', t, ...a]),
  fc.tuple(fc.constantFrom('set', 'clear'), target, upper).map(([op, t, f]) => [op, `${t}.${f}`]),
  target.map((t) => ['read', t]),
  fc
    .tuple(
      target,
      fc.constantFrom('==', '!='),
      numOrName,
      time,
      fc.option(time, { nil: undefined }),
    )
    .map(([t, c, v, w, e]) => ['wait', t, c, v, 'within', ...w, ...(e ? ['every', ...e] : [])]),
  time.map((t) => ['delay', ...t]),
  lower.map((s) => ['call', s]),
);
const sequence = withDoc(
  fc
    .tuple(
      lower,
      fc.option(fc.array(lower, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      fc.array(step, { maxLength: 5 }),
    )
    .map(([n, ps, ss]) => [
      'sequence',
      n,
      ...(ps ? ['(', ...ps.flatMap((p, i) => [...(i ? [','] : []), p])] : []),
      ...(ps ? [')'] : []),
      '{',
      ...ss.flat(),
      '}',
    ]),
);

const headerItem = fc.oneof(
  fc.constant(['pci', '0x8086:0x100E', '"n"', ',', '0x8086', ':', '0x100F']),
  fc.tuple(fc.nat(5), size).map(([i, s]) => ['bar', String(i), 'mmio', s]),
  lower.map((s) => ['space', s, ':', 'u16']),
  withDoc(fc.tuple(upper, sizeOrName).map(([n, v]) => ['const', n, '=', v])),
  fc.constant(['ref', '"SDM"']),
);
const item = fc.oneof(headerItem, register, descriptor, ring, sequence);

/** A syntactically valid spec: a device of random items, maybe library items after it. */
export const anySpec: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(docText, { nil: undefined }),
    upper,
    fc.array(item, { maxLength: 8 }),
    fc.array(item, { maxLength: 2 }),
  )
  .chain(([doc, name, inside, outside]) =>
    layout([
      ...(doc ? [{ doc }] : []),
      'device',
      name.toLowerCase(),
      '{',
      ...inside.flat(),
      '}',
      ...outside.flat(),
    ]),
  );

// ------------------------------------------------------------------ consistent specs

const REG_BYTES = 4;

/** Bit fields that tile part of a 32-bit register without overlapping. */
const fields32 = fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 5 }).map((widths) => {
  const out: Array<{ msb: number; lsb: number }> = [];
  let lsb = 0;
  for (const w of widths) {
    if (lsb + w > 32) break;
    out.push({ msb: lsb + w - 1, lsb });
    lsb += w + 1;
  }
  return out;
});

interface Reg {
  name: string;
  access: string;
  fields: Array<{ name: string; msb: number; lsb: number; enumMax?: number }>;
}

/** A device the checker must accept: every name resolves, nothing overlaps, values fit. */
export const consistentSpec: fc.Arbitrary<string> = fc
  .tuple(
    fc.uniqueArray(upper, { minLength: 1, maxLength: 8 }),
    fc.array(
      fc.tuple(fc.constantFrom('rw', 'ro', 'wo', 'rc', 'w1c', 'w1s'), fields32, fc.boolean()),
      { minLength: 8, maxLength: 8 },
    ),
    fc.integer({ min: 1, max: 6 }),
    fc.array(fc.nat(1_000_000), { minLength: 4, maxLength: 4 }),
  )
  .chain(([names, shapes, seqSteps, seeds]) => {
    const regs: Reg[] = names.map((n, i) => {
      const [acc, fs, withEnum] = shapes[i];
      return {
        name: `R_${n}`,
        access: acc,
        fields: fs.map((f, k) => ({
          name: `F${k}`,
          ...f,
          enumMax: withEnum && f.msb - f.lsb < 4 ? 2 ** (f.msb - f.lsb + 1) - 1 : undefined,
        })),
      };
    });
    const tokens: Tok[] = [
      'device',
      'gen',
      '{',
      'bar',
      '0',
      'mmio',
      '128K',
      'const',
      'LIMIT',
      '=',
      '64',
    ];
    regs.forEach((r, i) => {
      tokens.push(
        { doc: `register ${i}` },
        'register',
        r.name,
        '@',
        `0x${(0x100 + i * REG_BYTES).toString(16)}`,
        ':',
        'u32',
        r.access,
      );
      if (r.fields.length === 0) return;
      tokens.push('{');
      for (const f of r.fields) {
        tokens.push(f.name, '[', String(f.msb), ':', String(f.lsb), ']');
        if (f.enumMax !== undefined)
          tokens.push('enum', '{', 'LO', '=', '0', ',', 'HI', '=', String(f.enumMax), '}');
      }
      tokens.push('}');
    });
    tokens.push(...RING_TOKENS);
    const writable = regs.filter(
      (r) => r.access === 'rw' || r.access === 'wo' || r.access === 'w1s',
    );
    const readable = regs.filter((r) => r.access === 'rw' || r.access === 'ro');
    tokens.push('sequence', 'go', '(', 'v', ')', '{');
    for (let s = 0; s < seqSteps; s++) {
      const seed = seeds[s % seeds.length] + s;
      const w = writable[seed % Math.max(writable.length, 1)];
      const r = readable[seed % Math.max(readable.length, 1)];
      if (w) tokens.push('write', w.name, '=', s % 2 ? 'v' : 'LIMIT');
      if (r) {
        const f = r.fields[0];
        if (f)
          tokens.push(
            'wait',
            `${r.name}.${f.name}`,
            '==',
            f.enumMax !== undefined ? 'HI' : '0',
            'within',
            '10',
            'ms',
          );
        else tokens.push('read', r.name);
      }
    }
    tokens.push('write', 'TDT', '=', 'v', '}', '}');
    return layout(tokens);
  });

/** A legal tx ring over its own registers and descriptor (placed clear of the generated registers). */
const RING_TOKENS: Tok[] = `
  register TDBAL @ 0x3800 : u32 rw  register TDBAH @ 0x3804 : u32 rw
  register TDLEN @ 0x3808 : u32 rw { LEN [ 19 : 7 ] }
  register TDH @ 0x3810 : u32 rw  register TDT @ 0x3818 : u32 rw
  descriptor Tx : 16 bytes { addr u64 @ 0 length u16 @ 8 cmd u8 @ 11 { EOP [ 0 ] RS [ 3 ] } status u8 @ 12 { DD [ 0 ] } }
  ring tx : Tx { direction tx base TDBAL , TDBAH length TDLEN head TDH tail TDT
    count 8 .. 4096 step 8 align 128 buffer 2048 max 16288
    complete { done = status.DD } last cmd.EOP report cmd.RS
    on post { addr = buffer length = length cmd = EOP | RS status = 0 } }`
  .trim()
  .split(/\s+/);

// ------------------------------------------------------------------ soup

const WORDS = [
  'device',
  'import',
  'register',
  'counter',
  'descriptor',
  'ring',
  'sequence',
  'const',
  'space',
  'pci',
  'bar',
  'ref',
  'rw',
  'ro',
  'rc',
  'w1c',
  'u8',
  'u32',
  'u64',
  'split',
  'reset',
  'enum',
  'self-clearing',
  'stride',
  'in',
  'bytes',
  'direction',
  'tx',
  'base',
  'length',
  'head',
  'tail',
  'owner',
  'driver',
  'count',
  'step',
  'align',
  'buffer',
  'max',
  'complete',
  'done',
  'last',
  'report',
  'on',
  'post',
  'write',
  'modify',
  'set',
  'clear',
  'read',
  'wait',
  'within',
  'every',
  'delay',
  'call',
  'ms',
  'us',
  'A',
  'B',
  'x',
  'status.DD',
  'A.B',
  'A[1]',
  '0',
  '1',
  '0x10',
  '0b1',
  '4K',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ':',
  '@',
  '=',
  '==',
  '!=',
  ',',
  '|',
  '..',
  '"s"',
  '"',
  '/*',
  '*/',
  '//',
  '///',
  '\n',
];

export const tokenSoup: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...WORDS), { maxLength: 60 })
  .chain((ws) => layout(ws));
