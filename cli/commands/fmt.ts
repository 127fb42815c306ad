/**
 * `nicdl fmt FILE...`: rewrites specs in the canonical layout (dsl/format.ts), keeping
 * every comment. `--check` changes nothing and exits 1 naming the files that would
 * change (for CI); `--stdout` prints the result instead of writing it. A file with
 * syntax errors is left alone and its errors are printed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';

export default class Fmt extends NicdlCommand {
  static override summary = 'Format .nicdl specs in the canonical layout';
  static override examples = [
    '<%= config.bin %> fmt drivers/e1000/e1000.nicdl',
    '<%= config.bin %> fmt --check drivers/**/*.nicdl',
  ];
  static override strict = false;
  static override args = {
    file: Args.string({ description: 'spec files to format', required: true }),
  };
  static override flags = {
    check: Flags.boolean({
      description: 'write nothing; exit 1 and list the files that are not formatted',
    }),
    stdout: Flags.boolean({
      description: 'print the formatted text instead of writing the file',
      exclusive: ['check'],
    }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Fmt);
    const { format } = await import('../../dsl/format.js');
    const { renderDiagnostics } = await import('../../dsl/diagnostics.js');
    let failed = false;
    for (const file of argv as string[]) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        this.logToStderr(
          `nicdl: error: cannot read '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
        );
        failed = true;
        continue;
      }
      const result = format(text, file);
      if (result.text === undefined) {
        this.logToStderr(renderDiagnostics(result.diagnostics, { [file]: text }));
        this.logToStderr(`${file}: not formatted (syntax errors)`);
        failed = true;
        continue;
      }
      if (flags.stdout) process.stdout.write(result.text);
      else if (result.text === text) continue;
      else if (flags.check) {
        this.log(file);
        failed = true;
      } else writeFileSync(file, result.text);
    }
    if (failed) process.exitCode = 1;
  }
}
