/** Fieldsets: `fieldset NAME { … }` declared once, `fields NAME` in every register sharing it. */
import { describe, expect, it } from 'vitest';
import type { FieldsetNode, RegisterNode } from '../../dsl/ast.js';
import { format } from '../../dsl/format.js';
import { parse } from '../../dsl/parse.js';
import { compileSpec } from '../../spec/index.js';
import { commentTexts, stripLocations } from './helpers.js';

const SPEC = [
  '/// Interrupt causes (13.4.17)',
  'fieldset IntCauses ref "13.4.17" {',
  '  TXDW [0]  /// transmit descriptor written back',
  '  LSC [2]   // link',
  '  MODE [5:4] enum { A = 0, B = 1 }',
  '}',
  'device t {',
  '  bar 0 mmio 128K',
  '  register ICR @ 0x00C0 : u32 rc fields IntCauses ref "13.4.17"',
  '  register IMS @ 0x00D0 : u32 w1s fields IntCauses { EXTRA [20] }',
  '}',
  '',
].join('\n');

describe('fieldset syntax', () => {
  it('parses a fieldset with its doc, ref and fields, and a register naming it', () => {
    const { ast, diagnostics } = parse(SPEC, 'f.nicdl');
    expect(diagnostics).toEqual([]);
    const set = ast.body[0] as FieldsetNode;
    expect(set.kind).toBe('fieldset');
    expect(set.name.name).toBe('IntCauses');
    expect(set.doc).toBe('Interrupt causes (13.4.17)');
    expect(set.mods.map((m) => m.text.value)).toEqual(['13.4.17']);
    expect(set.fields.map((f) => f.name.name)).toEqual(['TXDW', 'LSC', 'MODE']);
    expect(set.fields[0].doc).toBe('transmit descriptor written back');
    expect(set.loc).toMatchObject({ line: 2, col: 1, endLine: 6 });
    const device = ast.body[1];
    if (device.kind !== 'device') throw new Error('expected the device');
    const ims = device.items[2] as RegisterNode;
    const uses = ims.mods.find((m) => m.kind === 'fields');
    expect(uses).toMatchObject({ kind: 'fields', name: { name: 'IntCauses' } });
    expect(uses?.loc).toMatchObject({ line: 10, col: 35 });
    expect(ims.fields?.map((f) => f.name.name)).toEqual(['EXTRA']);
  });

  it('formats canonically: `fields NAME` last before the body, comments kept, idempotent', () => {
    const once = format(SPEC, 'f.nicdl').text as string;
    expect(once).toContain('register ICR @ 0x00C0 : u32 rc ref "13.4.17" fields IntCauses\n');
    expect(once).toContain('fieldset IntCauses ref "13.4.17" {\n');
    expect(format(once, 'f.nicdl').text).toBe(once);
    const before = parse(SPEC, 'f.nicdl').ast;
    const after = parse(once, 'f.nicdl').ast;
    expect(commentTexts(after.comments)).toEqual(commentTexts(before.comments));
    // Only the position of `fields` among the modifiers moves.
    const mods = (n: ReturnType<typeof parse>['ast']) =>
      stripLocations(n.body).map((b) => JSON.stringify(b).length);
    expect(mods(after)).toEqual(mods(before));
  });

  it('inlines a short comment-free fieldset', () => {
    const text = 'fieldset  P {\n A [0]\n B [1] }\n';
    expect(format(text).text).toBe('fieldset P { A [0] B [1] }\n');
  });
});

describe('fieldset lowering', () => {
  it('copies the fieldset fields into each register, before its own fields', () => {
    const { ir, diagnostics } = compileSpec(SPEC, 'f.nicdl');
    expect(diagnostics).toEqual([]);
    const icr = ir?.registers.find((r) => r.name === 'ICR');
    const ims = ir?.registers.find((r) => r.name === 'IMS');
    expect(icr?.fields.map((f) => f.name)).toEqual(['TXDW', 'LSC', 'MODE']);
    expect(ims?.fields.map((f) => [f.name, f.msb, f.lsb])).toEqual([
      ['TXDW', 0, 0],
      ['LSC', 2, 2],
      ['MODE', 5, 4],
      ['EXTRA', 20, 20],
    ]);
    expect(icr?.fields[0].doc).toBe('transmit descriptor written back');
    expect(icr?.fields[2].enum?.map((e) => [e.name, e.value])).toEqual([
      ['A', 0],
      ['B', 1],
    ]);
    // Each register owns its fields: the IR holds no shared objects.
    expect(icr?.fields[0]).not.toBe(ims?.fields[0]);
  });

  it('gives the same IR as writing the fields out in each register', () => {
    const shared = compileSpec(
      'fieldset S { A [0] reset 1  B [7:4] ro }\ndevice t { bar 0 mmio 4K\n register R @ 0 : u32 rw fields S { C [8] }\n}\n',
    );
    const written = compileSpec(
      'device t { bar 0 mmio 4K\n register R @ 0 : u32 rw { A [0] reset 1  B [7:4] ro  C [8] }\n}\n',
    );
    const strip = (r: typeof shared) => stripLocations(r.ir?.registers);
    expect(strip(shared)).toEqual(strip(written));
    expect(shared.ir?.registers[0].reset).toBe(1);
  });

  it('takes fieldsets from an imported library and reports problems at the register', () => {
    const { diagnostics } = compileSpec(
      'fieldset W { HI [16] }\ndevice t { bar 0 mmio 4K\n register R @ 0 : u16 rw fields W\n register S @ 4 : u32 rw fields W\n}\n',
      'w.nicdl',
    );
    expect(diagnostics.map((d) => [d.code, d.span.line])).toEqual([['NDL219', 3]]);
  });
});
