/** The grammar, construct by construct (docs/language.md), and its error recovery. */
import { describe, expect, it } from 'vitest';
import type {
  DeviceNode,
  FileNode,
  ItemNode,
  RegisterNode,
  RingNode,
  SequenceNode,
} from '../../dsl/ast.js';
import { parse } from '../../dsl/parse.js';
import { stripLocations } from './helpers.js';

function clean(text: string): FileNode {
  const { ast, diagnostics } = parse(text, 't.nicdl');
  expect(diagnostics).toEqual([]);
  return ast;
}

/** The items of `device d { … }` wrapped around `body`. */
function items(body: string): ItemNode[] {
  const ast = clean(`device d {\n${body}\n}\n`);
  return (ast.body[0] as DeviceNode).items;
}

const one = <T extends ItemNode>(body: string) => stripLocations(items(body)[0]) as T;

describe('file structure', () => {
  it('reads imports, a device and library items outside it', () => {
    const ast = clean(
      'import "common.nicdl"\nimport "dir/x.nicdl"\ndevice e1000 ref "SDM" {\n}\nconst A = 1\n',
    );
    expect(ast.body.map((n) => n.kind)).toEqual(['import', 'import', 'device', 'const']);
    const dev = ast.body[2] as DeviceNode;
    expect(dev.name.name).toBe('e1000');
    expect(dev.mods[0]).toMatchObject({ kind: 'ref', text: { value: 'SDM' } });
    expect(dev.unclosed).toBe(false);
  });

  it('accepts an empty file and a file of comments only', () => {
    expect(clean('').body).toEqual([]);
    expect(clean('// nothing\n/* at all */\n').body).toEqual([]);
  });
});

describe('header items', () => {
  it('pci ids with and without names', () => {
    expect(one('pci 0x8086:0x100E "82540EM", 0x8086:0x100F')).toMatchObject({
      kind: 'pci',
      ids: [
        { vendor: { value: 0x8086 }, device: { value: 0x100e }, name: { value: '82540EM' } },
        { vendor: { value: 0x8086 }, device: { value: 0x100f } },
      ],
    });
  });

  it('bars with a size suffix', () => {
    expect(one('bar 0 mmio 128K')).toMatchObject({
      kind: 'bar',
      index: { value: 0 },
      space: { value: 'mmio' },
      size: { value: 131072, raw: '128K' },
    });
    expect(one('bar 2 io 1M')).toMatchObject({ space: { value: 'io' }, size: { value: 1048576 } });
  });

  it('spaces, refs and constants in every number spelling', () => {
    expect(one('space phy : u16')).toMatchObject({
      kind: 'space',
      name: { name: 'phy' },
      width: { value: 'u16' },
    });
    expect(one('ref "8254x SDM \\"rev\\" 4.0"')).toMatchObject({
      kind: 'ref',
      text: { value: '8254x SDM "rev" 4.0' },
    });
    const values = items(
      'const A = 0x0000_00FF\nconst B = 0b1010\nconst C = 1_000\nconst D = 16K\nconst E = OTHER',
    ).map((i) => stripLocations(i));
    expect(values.map((c) => (c as { value: unknown }).value)).toEqual([
      { kind: 'num', value: 255, raw: '0x0000_00FF' },
      { kind: 'num', value: 10, raw: '0b1010' },
      { kind: 'num', value: 1000, raw: '1_000' },
      { kind: 'num', value: 16384, raw: '16K' },
      { kind: 'name', name: 'OTHER' },
    ]);
  });
});

describe('registers', () => {
  it('reads offset, width, access and every modifier', () => {
    const r = one<RegisterNode>('register CTRL @ 0x0000 : u32 rw reset 0x40 ref "13.4.1" bar 1');
    expect(r).toMatchObject({
      kind: 'register',
      counter: false,
      name: { name: 'CTRL' },
      offset: { value: 0 },
      width: { value: 'u32' },
      access: { value: 'rw' },
    });
    expect(r.mods.map((m) => m.kind)).toEqual(['reset', 'ref', 'bar']);
    expect(r.fields).toBeUndefined();
  });

  it('reads every access keyword', () => {
    for (const a of ['ro', 'rw', 'wo', 'rc', 'w1c', 'w1s'])
      expect(one<RegisterNode>(`register R @ 0 : u32 ${a}`).access.value).toBe(a);
  });

  it('reads arrays with a stride and registers in a space', () => {
    expect(one<RegisterNode>('register MTA[128] @ 0x5200 stride 4 : u32 rw')).toMatchObject({
      count: { value: 128 },
      stride: { value: 4 },
    });
    expect(one<RegisterNode>('register P @ 0 : u16 rw in phy').mods).toEqual([
      { kind: 'in', space: { name: 'phy' } },
    ]);
  });

  it('reads split counters, with split before or after the access', () => {
    const a = one<RegisterNode>('counter GORC @ 0x4088 : u64 split rc');
    const b = one<RegisterNode>('counter GORC @ 0x4088 : u64 rc split');
    expect(a.counter).toBe(true);
    expect(a.mods).toEqual([{ kind: 'split' }]);
    expect(b.mods).toEqual([{ kind: 'split' }]);
  });

  it('tells a `bar N` modifier from a following `bar N mmio` item', () => {
    const list = items('register R @ 0 : u32 rw\nbar 0 mmio 4K');
    expect(list.map((i) => i.kind)).toEqual(['register', 'bar']);
  });

  it('reads fields: one bit, ranges, access overrides, self-clearing, resets, refs and enums', () => {
    const r = one<RegisterNode>(`register CTRL @ 0 : u32 rw {
      FD [0]
      SPEED [9:8] enum { S10 = 0, S100 = 1, S1000 = 2 }
      RST [26] self-clearing
      VME [30] ro reset 1 ref "x"
    }`);
    expect(r.fields).toEqual([
      { kind: 'field', name: { name: 'FD' }, msb: { kind: 'num', value: 0, raw: '0' }, mods: [] },
      {
        kind: 'field',
        name: { name: 'SPEED' },
        msb: { kind: 'num', value: 9, raw: '9' },
        lsb: { kind: 'num', value: 8, raw: '8' },
        mods: [
          {
            kind: 'enum',
            values: [
              {
                kind: 'enumValue',
                name: { name: 'S10' },
                value: { kind: 'num', value: 0, raw: '0' },
              },
              {
                kind: 'enumValue',
                name: { name: 'S100' },
                value: { kind: 'num', value: 1, raw: '1' },
              },
              {
                kind: 'enumValue',
                name: { name: 'S1000' },
                value: { kind: 'num', value: 2, raw: '2' },
              },
            ],
          },
        ],
      },
      {
        kind: 'field',
        name: { name: 'RST' },
        msb: { kind: 'num', value: 26, raw: '26' },
        mods: [{ kind: 'selfClearing' }],
      },
      {
        kind: 'field',
        name: { name: 'VME' },
        msb: { kind: 'num', value: 30, raw: '30' },
        mods: [
          { kind: 'access', access: { value: 'ro' } },
          { kind: 'reset', value: { kind: 'num', value: 1, raw: '1' } },
          { kind: 'ref', text: { value: 'x', raw: '"x"' } },
        ],
      },
    ]);
  });

  it('allows fields named like keywords (length, reset, ro, enum)', () => {
    const r = one<RegisterNode>(
      'register R @ 0 : u32 rw { A [0] reset [1] ro [2] enum [3] length [4] }',
    );
    expect(r.fields?.map((f) => f.name.name)).toEqual(['A', 'reset', 'ro', 'enum', 'length']);
    expect(r.fields?.every((f) => f.mods.length === 0)).toBe(true);
  });
});

describe('descriptors', () => {
  it('reads fields with bit fields', () => {
    const d = one(
      'descriptor TxLegacy : 16 bytes ref "3.3.3" { addr u64 @ 0  cmd u8 @ 11 { EOP [0] RS [3] } }',
    );
    expect(d).toMatchObject({
      kind: 'descriptor',
      size: { value: 16 },
      mods: [{ kind: 'ref' }],
      fields: [
        { name: { name: 'addr' }, type: { value: 'u64' }, offset: { value: 0 } },
        {
          name: { name: 'cmd' },
          type: { value: 'u8' },
          offset: { value: 11 },
          bits: [{ name: { name: 'EOP' } }, { name: { name: 'RS' } }],
        },
      ],
    });
  });

  it('reads the two-meaning form, and a field called `read`', () => {
    const d = one(
      'descriptor X : 16 bytes { read { addr u64 @ 0 } writeback { status u32 @ 8 { DD [0] } } }',
    );
    expect(d).toMatchObject({
      layouts: [{ which: { value: 'read' } }, { which: { value: 'writeback' } }],
    });
    const f = one('descriptor Y : 8 bytes { read u64 @ 0 }');
    expect(f).toMatchObject({ fields: [{ name: { name: 'read' } }] });
  });
});

describe('rings', () => {
  const ring = one<RingNode>(`ring tx : TxLegacy, TxContext ref "3.4" {
    direction tx
    base TDBAL, TDBAH
    length TDLEN
    head TDH owner device
    tail TDT owner driver
    count 8 .. 65528 step 8 default 256
    align 128
    buffer 2K max 16288
    complete { done = status.DD, eop = status.EOP, length = length }
    last cmd.EOP
    report cmd.RS
    on post { addr = buffer  length = length  cmd = EOP | IFCS | CSS(3)  status = 0 }
  }`);

  it('reads formats and every property', () => {
    expect(ring.formats.map((f) => f.name)).toEqual(['TxLegacy', 'TxContext']);
    expect(ring.props.map((p) => p.kind)).toEqual([
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
      'post',
    ]);
    expect(ring.props[3]).toMatchObject({ reg: { name: 'TDH' }, owner: { value: 'device' } });
    expect(ring.props[5]).toMatchObject({
      min: { value: 8 },
      max: { value: 65528 },
      step: { value: 8 },
      default: { value: 256 },
    });
    expect(ring.props[7]).toMatchObject({ default: { value: 2048 }, max: { value: 16288 } });
  });

  it('reads completion entries and post values of every kind', () => {
    expect(ring.props[8]).toMatchObject({
      entries: [
        { key: { name: 'done' }, value: { field: { name: 'status' }, bit: { name: 'DD' } } },
        { key: { name: 'eop' } },
        { key: { name: 'length' }, value: { field: { name: 'length' } } },
      ],
    });
    const post = ring.props[11] as Extract<RingNode['props'][number], { kind: 'post' }>;
    expect(post.assigns.map((a) => a.value.kind)).toEqual(['buffer', 'length', 'bits', 'num']);
    expect(post.assigns[2].value).toMatchObject({
      bits: [
        { name: { name: 'EOP' } },
        { name: { name: 'IFCS' } },
        { name: { name: 'CSS' }, value: { value: 3 } },
      ],
    });
  });

  it('accepts several properties on one line', () => {
    const r = one<RingNode>(
      'ring rx : RxLegacy { base RDBAL, RDBAH  length RDLEN  head RDH  tail RDT }',
    );
    expect(r.props.map((p) => p.kind)).toEqual(['base', 'length', 'head', 'tail']);
  });
});

describe('sequences', () => {
  const seq = one<SequenceNode>(`sequence tx_ring(base_lo, base_hi) ref "14.5" {
    write TDBAL = base_lo
    write TCTL { PSP = 1 }
    modify TCTL { EN = 1, CT = 0x0F }
    set CTRL.RST
    clear CTRL.LRST
    read STATUS
    wait CTRL.RST == 0 within 10 ms every 100 us
    wait STATUS != 0 within 1 s
    delay 1 ms
    write MTA[3] = 0
    set RAH[0].AV
    call reset
  }`);

  it('reads parameters and every kind of step', () => {
    expect(seq.params.map((p) => p.name)).toEqual(['base_lo', 'base_hi']);
    expect(seq.steps.map((s) => s.kind)).toEqual([
      'write',
      'write',
      'modify',
      'set',
      'clear',
      'read',
      'wait',
      'wait',
      'delay',
      'write',
      'set',
      'call',
    ]);
  });

  it('reads waits with field, comparison, limit and interval', () => {
    expect(seq.steps[6]).toMatchObject({
      target: { reg: { name: 'CTRL' } },
      field: { name: 'RST' },
      cmp: { value: '==' },
      value: { value: 0 },
      within: { value: { value: 10 }, unit: { value: 'ms' } },
      every: { value: { value: 100 }, unit: { value: 'us' } },
    });
    expect(seq.steps[7]).toMatchObject({ cmp: { value: '!=' }, within: { unit: { value: 's' } } });
    expect(seq.steps[7]).not.toHaveProperty('field');
  });

  it('reads array element targets', () => {
    expect(seq.steps[9]).toMatchObject({
      target: { reg: { name: 'MTA' }, index: { value: 3 } },
      value: { value: 0 },
    });
    expect(seq.steps[10]).toMatchObject({
      target: { reg: { name: 'RAH' }, index: { value: 0 } },
      field: { name: 'AV' },
    });
  });

  it('reads a wait with no limit (the checker refuses it, not the parser)', () => {
    expect(one<SequenceNode>('sequence s { wait A.B == 1 }').steps[0]).not.toHaveProperty('within');
  });
});

describe('comments and doc comments', () => {
  it('attaches leading /// blocks (keeping line breaks) and trailing /// to the item on that line', () => {
    const r = items(`/// Device Control
/// second line
register CTRL @ 0 : u32 rw { // not a doc
  FD [0]   /// full duplex
  /// speed
  SPEED [9:8] enum {
    S10 = 0,   /// ten
    S100 = 1
  }
}
const A = 1 /// a constant`);
    const ctrl = r[0] as RegisterNode;
    expect(ctrl.doc).toBe('Device Control\nsecond line');
    expect(ctrl.fields?.[0].doc).toBe('full duplex');
    expect(ctrl.fields?.[1].doc).toBe('speed');
    const en = ctrl.fields?.[1].mods[0];
    expect(en?.kind === 'enum' && en.values.map((v) => v.doc)).toEqual(['ten', undefined]);
    expect((r[1] as { doc?: string }).doc).toBe('a constant');
  });

  it('does not attach a trailing /// to the next line, nor a // comment', () => {
    const r = items('const A = 1 /// about A\nconst B = 2\n// plain\nconst C = 3');
    expect(r.map((i) => (i as { doc?: string }).doc)).toEqual(['about A', undefined, undefined]);
  });

  it('collects every comment with its location, strings excluded', () => {
    const ast = clean('/* a */ device d { // b\n  ref "// not a comment"\n} /// c\n');
    expect(ast.comments.map((c) => [c.kind, c.text, c.loc.line, c.loc.col])).toEqual([
      ['block', '/* a */', 1, 1],
      ['line', '// b', 1, 20],
      ['doc', '/// c', 3, 3],
    ]);
  });
});

describe('locations', () => {
  it('gives every node its 1-based line and column and 0-based offsets', () => {
    const text = 'device d {\n  register CTRL @ 0x10 : u32 rw {\n    FD [0]\n  }\n}\n';
    const reg = (clean(text).body[0] as DeviceNode).items[0] as RegisterNode;
    expect(reg.loc).toMatchObject({ file: 't.nicdl', line: 2, col: 3, endLine: 4, endCol: 4 });
    expect(text.slice(reg.name.loc.start, reg.name.loc.end)).toBe('CTRL');
    const fd = reg.fields?.[0];
    expect(fd?.name.loc).toMatchObject({ line: 3, col: 5, endLine: 3, endCol: 7 });
    expect(text.slice(reg.offset.loc.start, reg.offset.loc.end)).toBe('0x10');
  });
});

describe('syntax errors', () => {
  it('reports one error per broken item and keeps reading', () => {
    const text = [
      'device d {',
      '  register A @ 0 : u33 rw',
      '  register OK1 @ 4 : u32 rw',
      '  ring r : T { heads TDH }',
      '  const OK2 = 5',
      '  sequence s { wait A == 1 within 10 parsecs }',
      '}',
      'const = 3',
      'register OK3 @ 8 : u32 rw',
    ].join('\n');
    const { ast, diagnostics } = parse(text, 't.nicdl');
    expect(diagnostics.map((d) => [d.code, d.span.line])).toEqual([
      ['NDL001', 2],
      ['NDL001', 4],
      ['NDL001', 6],
      ['NDL001', 8],
    ]);
    const dev = ast.body[0] as DeviceNode;
    expect(
      dev.items
        .filter((i) => i.kind !== 'bad')
        .map((i) => (i as { name: { name: string } }).name.name),
    ).toEqual(['OK1', 'OK2']);
    expect(ast.body.some((n) => n.kind === 'register' && n.name.name === 'OK3')).toBe(true);
  });

  it('says what was expected and what was found, pointing at the token', () => {
    const { diagnostics } = parse('device d {\n  register A @ 0 : u33 rw\n}\n', 't.nicdl');
    expect(diagnostics[0]).toMatchObject({
      code: 'NDL001',
      message: "expected width, found 'u33'",
      span: { line: 2, col: 20, endCol: 23 },
    });
  });

  it('suggests the keyword meant', () => {
    const { diagnostics } = parse('device d {\n  ring r : T {\n    heads TDH\n  }\n}\n', 't.nicdl');
    expect(diagnostics[0].hint).toBe("did you mean 'head'?");
  });

  it('reports a device never closed and numbers too large', () => {
    expect(parse('device d {\n  const A = 1\n', 't').diagnostics.map((d) => d.code)).toEqual([
      'NDL002',
    ]);
    expect(parse('const A = 0x1_0000_0000_0000_0000', 't').diagnostics.map((d) => d.code)).toEqual([
      'NDL009',
    ]);
  });
});
