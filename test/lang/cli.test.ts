/**
 * The `check`, `fmt` and `ir` commands: exit codes, the rendered diagnostics, in-place
 * formatting, IR and schema output. Commands run in-process; the built binary is spawned
 * once for what only a real process shows (exit status, no stack trace).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import Check from '../../cli/commands/check.js';
import Fmt from '../../cli/commands/fmt.js';
import Ir from '../../cli/commands/ir.js';
import { runCli } from '../cli/helpers/run-cli.js';

const COMMANDS: Record<string, Command.Class> = { check: Check, fmt: Fmt, ir: Ir };
const nicdl = (name: string, ...args: string[]) => runCli(COMMANDS[name], args);

const BAD = 'test/lang/fixtures/bad/401-head-owned-by-driver.nicdl';
const MINI = 'test/lang/fixtures/good/mini.nicdl';

describe('nicdl check', () => {
  it('exits 0 on clean specs', async () => {
    const r = await nicdl('check', 'drivers/e1000/e1000.nicdl', MINI);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('2 files: 0 errors, 0 warnings');
  });

  it('exits 1 and prints file:line:col, the source line and a caret', async () => {
    const r = await nicdl('check', BAD);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      `${BAD}:9:20: error NDL401: ring 'tx' head cannot be owned by the driver\n` +
        '  9 |     head TDH owner driver\n' +
        '    |                    ^^^^^^\n',
    );
  });

  it('prints diagnostics as data with --json', async () => {
    const r = await nicdl('check', '--json', BAD);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, errors: 1, warnings: 0 });
    expect(out.files[0].diagnostics[0]).toMatchObject({
      code: 'NDL401',
      severity: 'error',
      span: { line: 9, col: 20 },
    });
  });

  it('lets warnings pass unless --strict', async () => {
    const spec = 'test/lang/fixtures/bad/110-unused-parameter.nicdl';
    expect((await nicdl('check', spec)).exitCode).toBe(0);
    expect((await nicdl('check', '--strict', spec)).exitCode).toBe(1);
  });

  it('the binary exits 1 on a missing file, in one line and without a stack trace', () => {
    // As a user runs it: not under NODE_ENV=test, where oclif looks for TypeScript sources.
    const env = { ...process.env, NODE_ENV: 'production' };
    const r = spawnSync(process.execPath, ['bin/run.js', 'check', 'no/such.nicdl'], {
      encoding: 'utf8',
      env,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      "no/such.nicdl:1:1: error NDL006: cannot read 'no/such.nicdl': no such file\n" +
        'no/such.nicdl: 1 error, 0 warnings\n',
    );
    expect(r.stderr).toBe('');
  });
});

describe('nicdl fmt', () => {
  it('rewrites in place, and --check names files that would change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nicdl-fmt-'));
    const file = join(dir, 'x.nicdl');
    writeFileSync(file, 'device d {\nconst   A=1\n}\n');
    const check = await nicdl('fmt', '--check', file);
    expect(check.exitCode).toBe(1);
    expect(check.stdout.trim()).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('device d {\nconst   A=1\n}\n');
    expect((await nicdl('fmt', file)).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('device d {\n  const A = 1\n}\n');
    expect((await nicdl('fmt', '--check', file)).exitCode).toBe(0);
  });

  it('prints with --stdout, and leaves a file with syntax errors alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nicdl-fmt-'));
    const file = join(dir, 'bad.nicdl');
    const source = 'test/lang/fixtures/bad/001-syntax-errors.nicdl';
    copyFileSync(source, file);
    const r = await nicdl('fmt', file);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error NDL001');
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(source, 'utf8'));
    const out = await nicdl('fmt', '--stdout', MINI);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('device mini ref "Mini NIC manual rev 1" {');
  });

  it('names a missing file and goes on with the others', async () => {
    const r = await nicdl('fmt', '--check', 'no/such.nicdl', MINI);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("nicdl: error: cannot read 'no/such.nicdl': no such file");
  });
});

describe('nicdl ir', () => {
  it('prints the IR as JSON, with or without locations', async () => {
    const r = await nicdl('ir', MINI);
    expect(r.exitCode).toBe(0);
    const ir = JSON.parse(r.stdout);
    expect(ir).toMatchObject({ irVersion: 1, name: 'mini' });
    expect(ir.registers[0].loc).toBeDefined();
    const bare = (await nicdl('ir', '--no-loc', MINI)).stdout;
    expect(bare).not.toContain('"loc"');
    expect(JSON.parse(bare).name).toBe('mini');
  });

  it('prints the JSON Schema with --schema', async () => {
    const r = await nicdl('ir', '--schema');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['irVersion', 'registers', 'rings']),
    });
  });

  it('exits 1 with the diagnostics on stderr for a spec with errors', async () => {
    const r = await nicdl('ir', BAD);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error NDL401');
  });
});
