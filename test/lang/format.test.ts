/** The canonical formatter: layout rules, comments kept, idempotence, the tree unchanged. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { format } from '../../dsl/format.js';
import { parse } from '../../dsl/parse.js';
import { commentTexts, stripLocations } from './helpers.js';

function fmt(text: string): string {
  const r = format(text, 't.nicdl');
  expect(r.diagnostics).toEqual([]);
  return r.text as string;
}

describe('canonical layout', () => {
  it('indents, spaces and lines up a messy spec', () => {
    const messy = [
      'import   "common.nicdl"',
      '/// The device',
      'device   d ref "x"{',
      'pci 0x8086:0x100E "a",0x8086:0x100F',
      '',
      '',
      '',
      '  register CTRL@0x0000:u32   rw reset 0x40{ FD[0] /// full duplex',
      '        SPEED[9:8]enum{S10=0,S100=1}',
      '  RST [26]self-clearing // resets',
      '  }',
      '  counter GORC @ 0x4088 : u64 rc split',
      '  sequence s ( a ,b ) { write CTRL=a  modify CTRL{FD=1 ,SPEED=S100} wait CTRL.RST==0 within 10ms every 100   us',
      '  call t }',
      '}',
    ].join('\n');
    expect(fmt(messy)).toBe(
      [
        'import "common.nicdl"',
        '/// The device',
        'device d ref "x" {',
        '  pci 0x8086:0x100E "a", 0x8086:0x100F',
        '',
        '  register CTRL @ 0x0000 : u32 rw reset 0x40 {',
        '    FD    [0]                 /// full duplex',
        '    SPEED [9:8] enum { S10 = 0, S100 = 1 }',
        '    RST   [26] self-clearing  // resets',
        '  }',
        '  counter GORC @ 0x4088 : u64 split rc',
        '  sequence s(a, b) {',
        '    write CTRL = a',
        '    modify CTRL { FD = 1, SPEED = S100 }',
        '    wait CTRL.RST == 0 within 10 ms every 100 us',
        '    call t',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps short blocks on one line, packs long enums, and opens blocks that hold comments', () => {
    const values = Array.from({ length: 16 }, (_, i) => `VALUE_NUMBER_${i} = ${i}`).join(', ');
    const out = fmt(
      `register R @ 0 : u32 rw {\n  MODE [3:0] enum { ${values} }\n  X [4] enum { A = 0 /* zero */, B = 1 }\n}\n`,
    );
    const lines = out.split('\n');
    expect(lines[1]).toBe('  MODE [3:0] enum {');
    expect(lines[2].startsWith('    VALUE_NUMBER_0 = 0, VALUE_NUMBER_1 = 1,')).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(out).toContain('  X [4] enum {\n    A = 0  /* zero */\n    B = 1\n  }');
    expect(
      fmt('descriptor D : 16 bytes {\n  cmd u8 @ 11 {\n    EOP [0]\n    RS [3]\n  }\n}\n'),
    ).toBe('descriptor D : 16 bytes {\n  cmd u8 @ 11 { EOP [0] RS [3] }\n}\n');
  });

  it('keeps at most one blank line, none after { or before }', () => {
    expect(fmt('device d {\n\n\n  const A = 1\n\n\n\n  const B = 2\n\n}\n')).toBe(
      'device d {\n  const A = 1\n\n  const B = 2\n}\n',
    );
  });

  it('keeps every comment: one inside an item header moves above the item', () => {
    const text =
      '// head\ndevice d { // on the brace\n  register /* inside */ R @ 0 : u32 rw\n  // before the end\n} // after\n/* tail */\n';
    const out = fmt(text);
    expect(commentTexts(parse(out, 't').ast.comments)).toEqual(
      commentTexts(parse(text, 't').ast.comments),
    );
    expect(out).toBe(
      '// head\ndevice d {  // on the brace\n  /* inside */\n  register R @ 0 : u32 rw\n  // before the end\n}  // after\n/* tail */\n',
    );
  });

  it('refuses a file with syntax errors and says why', () => {
    const r = format('device d {\n  register R @ 0 : u33 rw\n}\n', 't.nicdl');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NDL001']);
  });
});

describe('on real specs', () => {
  const shipped = ['drivers', 'examples'].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.nicdl'))
      .map((f) => join(dir, f)),
  );
  const specs = [
    ...shipped,
    'test/lang/fixtures/good/mini.nicdl',
    ...readdirSync('test/lang/fixtures/bad')
      .filter((f) => f.endsWith('.nicdl'))
      .map((f) => join('test/lang/fixtures/bad', f)),
  ];
  for (const path of specs) {
    const text = readFileSync(path, 'utf8');
    const parsed = parse(text, path);
    if (parsed.diagnostics.some((d) => d.severity === 'error')) continue;
    it(`${path}: idempotent, same tree, same comments`, () => {
      const once = format(text, path).text as string;
      expect(format(once, path).text).toBe(once);
      const again = parse(once, path);
      expect(again.diagnostics).toEqual([]);
      expect(stripLocations(again.ast)).toEqual(stripLocations(parsed.ast));
      expect(commentTexts(again.ast.comments)).toEqual(commentTexts(parsed.ast.comments));
    });
  }
});
