/** Loading, lowering and the public API: what the IR says about a spec. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NicdlError } from '../../spec/errors.js';
import { compileSpec, loadIr, loadSpec, SpecError } from '../../spec/index.js';
import { Device, irJsonSchema } from '../../spec/ir.js';
import { validate } from './json-schema.js';

const MINI = 'test/lang/fixtures/good/mini.nicdl';
const E1000 = 'drivers/e1000/e1000.nicdl';

describe('the shipped specs', () => {
  for (const path of [E1000, MINI]) {
    it(`${path} checks clean and its IR validates against the schema`, () => {
      const { ir, diagnostics } = loadSpec(path);
      expect(diagnostics).toEqual([]);
      expect(ir).toBeDefined();
      expect(
        validate(irJsonSchema() as Record<string, unknown>, JSON.parse(JSON.stringify(ir))),
      ).toEqual([]);
      expect(Device.parse(JSON.parse(JSON.stringify(ir)))).toEqual(ir);
    });
  }

  it('the e1000 rx ring head belongs to the device and the tx ring reports status', () => {
    const ir = loadIr(E1000);
    const rx = ir.rings.find((r) => r.direction === 'rx');
    const tx = ir.rings.find((r) => r.direction === 'tx');
    expect(rx?.owners).toEqual({ head: 'device', tail: 'driver' });
    expect(tx?.reportStatus).toMatchObject({ field: 'cmd', bit: 'RS', mask: 0x08 });
    const cmd = tx?.post.find((p) => p.field === 'cmd');
    expect((cmd?.value ?? 0) & 0x08).toBe(0x08);
  });
});

describe('lowering mini.nicdl', () => {
  const ir = loadIr(MINI);
  const reg = (name: string) => ir.registers.find((r) => r.name === name)!;

  it('records the source: file, imports and the sha256 of every text read', () => {
    const texts = [MINI, 'test/lang/fixtures/good/common.nicdl'].map((p) =>
      readFileSync(p, 'utf8'),
    );
    const hash = createHash('sha256');
    for (const t of texts) hash.update(t).update('\0');
    expect(ir.source).toEqual({
      file: MINI,
      hash: hash.digest('hex'),
      imports: ['test/lang/fixtures/good/common.nicdl'],
    });
  });

  it('merges imported items and resolves constants with size suffixes', () => {
    expect(ir.constants.find((c) => c.name === 'MAX_FRAME')).toMatchObject({
      value: 16384,
      doc: 'Largest frame one descriptor carries, in bytes.',
    });
    expect(ir.rings[0].buffer).toEqual({ default: 2048, max: 16384 });
  });

  it('carries doc comments and refs', () => {
    expect(ir.doc).toBe(
      'A made-up NIC with one tx and one rx ring.\nSecond line of the device doc.',
    );
    expect(ir.ref).toBe('Mini NIC manual rev 1');
    expect(reg('CTRL')).toMatchObject({ doc: 'Device control', ref: '1.1' });
    expect(reg('CTRL').fields[0]).toMatchObject({ name: 'FD', doc: 'full duplex' });
    expect(reg('CTRL').fields[2].enum?.[0]).toMatchObject({
      name: 'S10',
      value: 0,
      doc: '10 Mb/s',
    });
    expect(reg('CRCERRS').doc).toBe('CRC errors');
  });

  it('applies defaults and keeps registers sorted by BAR and offset, spaces last', () => {
    expect(reg('MTA')).toMatchObject({ bar: 0, array: { count: 128, stride: 4 } });
    expect(reg('GORC')).toMatchObject({ width: 64, split: true, counter: true, access: 'rc' });
    const bar = ir.registers.filter((r) => !r.space);
    expect(bar.map((r) => r.offset)).toEqual([...bar.map((r) => r.offset)].sort((a, b) => a - b));
    expect(ir.registers[ir.registers.length - 1]).toMatchObject({ name: 'PHY_CTRL', space: 'phy' });
    expect(ir.rings[1]).toMatchObject({
      align: 16,
      count: { min: 8, max: 4096, step: 8, default: 256 },
    });
  });

  it('folds field resets into the register reset and keeps access overrides', () => {
    expect(reg('CTRL').reset).toBe(0x40);
    expect(reg('CTRL').fields.find((f) => f.name === 'SLU')).toMatchObject({
      reset: 1,
      lsb: 6,
      msb: 6,
    });
    expect(reg('CTRL').fields.find((f) => f.name === 'VME')).toMatchObject({ access: 'ro' });
    expect(reg('CTRL').fields.find((f) => f.name === 'RST')).toMatchObject({ selfClearing: true });
  });

  it('resolves descriptor bit references and post assignments to offsets and masks', () => {
    const [tx, rx] = ir.rings;
    expect(tx.done).toEqual({ field: 'status', bit: 'DD', offset: 12, type: 'u8', mask: 1 });
    expect(tx.post.map((p) => [p.field, p.source, p.value])).toEqual([
      ['addr', 'buffer', undefined],
      ['length', 'length', undefined],
      ['cmd', 'const', 0b1011],
      ['status', 'const', 0],
    ]);
    // Two-meaning descriptor: completion reads the write-back layout, post writes the read layout.
    expect(rx.done).toMatchObject({ offset: 8, type: 'u32', mask: 1 });
    expect(rx.eop).toMatchObject({ mask: 2 });
    expect(rx.lengthField).toEqual({ field: 'length', offset: 12, type: 'u16' });
    expect(rx.post.map((p) => p.field)).toEqual(['addr', 'dd_zero']);
  });

  it('resolves sequence values: constants, parameters, enum names; times in microseconds', () => {
    const reset = ir.sequences.find((s) => s.name === 'reset')!;
    expect(reset.steps[0]).toMatchObject({
      op: 'write',
      register: 'IMC',
      value: { kind: 'const', value: 0xffffffff },
    });
    expect(reset.steps[2]).toMatchObject({
      op: 'write',
      register: 'TCTL',
      value: { kind: 'const', value: 0 },
      fields: [{ field: 'PSP', value: { kind: 'const', value: 1 } }],
    });
    expect(reset.steps[4]).toMatchObject({
      op: 'modify',
      register: 'CTRL',
      fields: [{ field: 'RST', value: { kind: 'const', value: 1 } }],
    });
    expect(reset.steps[5]).toMatchObject({
      op: 'wait',
      field: 'RST',
      cmp: '==',
      timeoutUs: 10_000,
      intervalUs: 100,
    });
    expect(reset.steps[6]).toMatchObject({ op: 'delay', us: 1000 });
    const init = ir.sequences.find((s) => s.name === 'init_tx')!;
    expect(init.params).toEqual(['base_lo', 'base_hi', 'bytes']);
    expect(init.steps[0]).toMatchObject({ value: { kind: 'param', name: 'base_lo' } });
    expect(init.steps[6]).toMatchObject({
      fields: [{ field: 'EN' }, { field: 'BSIZE', value: { kind: 'const', value: 0 } }],
    });
    expect(init.steps[7]).toMatchObject({
      op: 'modify',
      fields: [{ field: 'FD', value: { kind: 'const', value: 0 } }],
    });
    expect(init.steps[8]).toMatchObject({ op: 'write', register: 'MTA', index: 3 });
    expect(init.steps[10]).toMatchObject({ op: 'wait', timeoutUs: 1_000_000, intervalUs: 10 });
    expect(init.steps[11]).toEqual({ op: 'call', sequence: 'reset', loc: expect.any(Object) });
  });
});

describe('the API', () => {
  it('compileSpec resolves imports next to the file it is given', () => {
    const text = readFileSync(MINI, 'utf8');
    const { ir, diagnostics } = compileSpec(text, MINI);
    expect(diagnostics).toEqual([]);
    expect(ir?.constants.some((c) => c.name === 'MAX_FRAME')).toBe(true);
  });

  it('compileSpec reports an unreadable import at the import', () => {
    const { ir, diagnostics } = compileSpec(
      'import "nowhere.nicdl"\ndevice d {\n}\n',
      'x/<mem>.nicdl',
    );
    expect(ir).toBeUndefined();
    expect(diagnostics).toMatchObject([{ code: 'NDL006', span: { line: 1, col: 8 } }]);
  });

  it('a library file checks with a warning and gives no IR', () => {
    const { ir, diagnostics } = compileSpec('const A = 1\n');
    expect(ir).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['NDL010', 'warning']]);
  });

  it('warnings do not withhold the IR', () => {
    const { ir, diagnostics } = loadSpec('test/lang/fixtures/bad/110-unused-parameter.nicdl');
    expect(diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(ir).toBeDefined();
  });

  it('loadIr throws a SpecError with every diagnostic on a bad spec', () => {
    let error: unknown;
    try {
      loadIr('test/lang/fixtures/bad/201-register-overlap.nicdl');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(error).toBeInstanceOf(NicdlError);
    const e = error as SpecError;
    expect(e.code).toBe('E_SPEC');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('has 3 errors');
    expect(e.message).toContain('error NDL201');
    expect((e.detail.diagnostics as unknown[]).length).toBe(3);
  });

  it('loadSpec of a missing file is one diagnostic, not an exception', () => {
    expect(loadSpec('no/such/file.nicdl').diagnostics).toMatchObject([
      { code: 'NDL006', message: "cannot read 'no/such/file.nicdl': no such file" },
    ]);
  });
});
