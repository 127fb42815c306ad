/**
 * `nicdl ir FILE`: the lowered IR of a spec as JSON (what generators, the twin and the
 * drivers read). `nicdl ir --schema`: the IR's JSON Schema. A spec with errors prints
 * its diagnostics on stderr and exits 1.
 */
import { Args, Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';

export default class Ir extends NicdlCommand {
  static override summary = 'Print the IR of a spec as JSON, or the IR JSON Schema';
  static override examples = [
    '<%= config.bin %> ir drivers/e1000/e1000.nicdl',
    '<%= config.bin %> ir --schema',
  ];
  static override args = {
    file: Args.string({ description: 'the .nicdl spec' }),
  };
  static override flags = {
    schema: Flags.boolean({ description: 'print the JSON Schema of the IR instead' }),
    loc: Flags.boolean({
      description: 'include source locations (--no-loc leaves them out)',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Ir);
    if (flags.schema) {
      const { irJsonSchema } = await import('../../spec/ir.js');
      this.log(JSON.stringify(irJsonSchema(), null, 2));
      return;
    }
    if (!args.file)
      throw new NicdlError('E_USAGE', 'give a spec file, or --schema', ExitCode.usage);
    const { loadSpec, renderDiagnostics } = await import('../../spec/index.js');
    const { ir, diagnostics, sources } = loadSpec(args.file);
    if (diagnostics.length > 0) this.logToStderr(renderDiagnostics(diagnostics, sources));
    if (!ir) {
      const reason = diagnostics.some((d) => d.severity === 'error')
        ? 'has errors'
        : 'has no device block';
      this.logToStderr(`${args.file}: no IR (the spec ${reason})`);
      process.exitCode = 1;
      return;
    }
    this.log(
      JSON.stringify(
        ir,
        flags.loc ? undefined : (key, value) => (key === 'loc' ? undefined : value),
        2,
      ),
    );
  }
}
