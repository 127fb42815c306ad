/**
 * `nicdl check FILE...`: every problem in each spec, located and coded, as tsc and rustc
 * print them. Exit 0 when no file has an error (warnings only fail with --strict), 1
 * otherwise; `--json` prints the diagnostics as data for editors and CI.
 */
import { Args, Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import type { Diagnostic } from '../../dsl/diagnostics.js';

interface FileReport {
  file: string;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
}

export default class Check extends NicdlCommand {
  static override summary =
    'Check .nicdl specs: syntax, names, layout, access, rings and sequences';
  static override description =
    'Prints each problem as FILE:LINE:COL: error NDLnnn: message, with the source line and a caret. ' +
    'Exits 1 when any file has an error (or, with --strict, a warning).';
  static override examples = [
    '<%= config.bin %> check drivers/e1000/e1000.nicdl',
    '<%= config.bin %> check --json a.nicdl b.nicdl',
  ];
  static override enableJsonFlag = true;
  static override strict = false;
  static override args = {
    file: Args.string({ description: 'spec files to check', required: true }),
  };
  static override flags = {
    strict: Flags.boolean({ description: 'treat warnings as errors' }),
  };

  async run(): Promise<{ ok: boolean; errors: number; warnings: number; files: FileReport[] }> {
    const { argv, flags } = await this.parse(Check);
    const { loadSpec, renderDiagnostics } = await import('../../spec/index.js');
    const files: FileReport[] = [];
    for (const file of argv as string[]) {
      const { diagnostics, sources } = loadSpec(file);
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      files.push({ file, errors, warnings: diagnostics.length - errors, diagnostics });
      if (diagnostics.length > 0) this.log(renderDiagnostics(diagnostics, sources));
    }
    const errors = files.reduce((n, f) => n + f.errors, 0);
    const warnings = files.reduce((n, f) => n + f.warnings, 0);
    const ok = errors === 0 && (!flags.strict || warnings === 0);
    this.log(
      `${files.length === 1 ? files[0].file : `${files.length} files`}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
    );
    if (!ok) process.exitCode = 1;
    return { ok, errors, warnings, files };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
