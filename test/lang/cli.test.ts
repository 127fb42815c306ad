/**
 * The `check`, `fmt` and `ir` commands as a user runs them (node bin/run.js, built dist/):
 * exit codes, the rendered diagnostics, in-place formatting, IR and schema output.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function nicdl(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/run.js', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BAD = 'test/lang/fixtures/bad/401-head-owned-by-driver.nicdl';

describe('nicdl check', () => {
  it('exits 0 on a clean spec', () => {
    const r = nicdl('check', 'drivers/e1000/e1000.nicdl', 'test/lang/fixtures/good/mini.nicdl');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 files: 0 errors, 0 warnings');
  });

  it('exits 1 and prints file:line:col, the source line and a caret', () => {
    const r = nicdl('check', BAD);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${BAD}:9:20: error NDL401: ring 'tx' head cannot be owned by the driver`,
    );
    expect(r.stdout).toContain('  9 |     head TDH owner driver\n    |                    ^^^^^^');
  });

  it('prints diagnostics as data with --json', () => {
    const r = nicdl('check', '--json', BAD);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, errors: 1, warnings: 0 });
    expect(out.files[0].diagnostics[0]).toMatchObject({
      code: 'NDL401',
      severity: 'error',
      span: { line: 9, col: 20 },
    });
  });

  it('lets warnings pass unless --strict', () => {
    const spec = 'test/lang/fixtures/bad/110-unused-parameter.nicdl';
    expect(nicdl('check', spec).code).toBe(0);
    expect(nicdl('check', '--strict', spec).code).toBe(1);
  });

  it('reports a missing file in one line, without a stack trace', () => {
    const r = nicdl('check', 'no/such.nicdl');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "no/such.nicdl:1:1: error NDL006: cannot read 'no/such.nicdl': no such file",
    );
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('nicdl fmt', () => {
  it('rewrites in place, and --check names files that would change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nicdl-fmt-'));
    const file = join(dir, 'x.nicdl');
    writeFileSync(file, 'device d {\nconst   A=1\n}\n');
    const check = nicdl('fmt', '--check', file);
    expect(check.code).toBe(1);
    expect(check.stdout.trim()).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('device d {\nconst   A=1\n}\n');
    expect(nicdl('fmt', file).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('device d {\n  const A = 1\n}\n');
    expect(nicdl('fmt', '--check', file).code).toBe(0);
  });

  it('prints with --stdout and leaves a file with syntax errors alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nicdl-fmt-'));
    const file = join(dir, 'bad.nicdl');
    copyFileSync('test/lang/fixtures/bad/001-syntax-errors.nicdl', file);
    const r = nicdl('fmt', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error NDL001');
    expect(readFileSync(file, 'utf8')).toBe(
      readFileSync('test/lang/fixtures/bad/001-syntax-errors.nicdl', 'utf8'),
    );
    const out = nicdl('fmt', '--stdout', 'test/lang/fixtures/good/mini.nicdl');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('device mini ref "Mini NIC manual rev 1" {');
  });
});

describe('nicdl ir', () => {
  it('prints the IR as JSON, with or without locations', () => {
    const r = nicdl('ir', 'test/lang/fixtures/good/mini.nicdl');
    expect(r.code).toBe(0);
    const ir = JSON.parse(r.stdout);
    expect(ir).toMatchObject({ irVersion: 1, name: 'mini' });
    expect(ir.registers[0].loc).toBeDefined();
    const bare = JSON.parse(nicdl('ir', '--no-loc', 'test/lang/fixtures/good/mini.nicdl').stdout);
    expect(JSON.stringify(bare)).not.toContain('"loc"');
  });

  it('prints the JSON Schema with --schema', () => {
    const r = nicdl('ir', '--schema');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['irVersion', 'registers', 'rings']),
    });
  });

  it('exits 1 with the diagnostics on stderr for a spec with errors', () => {
    const r = nicdl('ir', BAD);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error NDL401');
  });
});
