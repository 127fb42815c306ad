/**
 * `nicdl generate SPEC -o DIR`: typed TypeScript (registers, descriptors, rings,
 * sequences, counters, an index) from a .nicdl spec — or from an IR JSON file — plus
 * `--target c-header` and `--target json`. The same spec always gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import type { Device } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { DEFAULT_RUNTIME_IMPORT, TARGETS, type Target } from '../../generators/targets.js';
import type { WriteReport } from '../../generators/output.js';

/**
 * The IR of `path`: a `.json` file is taken as IR (validated); anything else is a .nicdl
 * spec, lowered by the front end (which reports located diagnostics on errors). The front
 * end and the IR schema load here, not at start-up: every command module is loaded for
 * every CLI run.
 */
export async function loadSpecIr(path: string): Promise<Device> {
  if (path.endsWith('.json')) {
    const { parseIr } = await import('../../spec/ir.js');
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new NicdlError(
        'E_SPEC_READ',
        `cannot read IR JSON ${path}: ${(e as Error).message}`,
        ExitCode.usage,
        { path },
      );
    }
    return parseIr(value);
  }
  const { loadIr } = await import('../../spec/index.js');
  return loadIr(path);
}

export default class Generate extends NicdlCommand {
  static override summary = 'Generate typed TypeScript (or a C header, or JSON) from a spec';
  static override description =
    'Writes one TypeScript module per concern (constants, registers, spaces, counters, descriptors, rings, sequences) ' +
    'and an index.ts re-exporting them. Output is deterministic; only changed files are rewritten, and stale ' +
    'generated modules are removed.';
  static override examples = [
    '<%= config.bin %> generate drivers/e1000/e1000.nicdl -o drivers/e1000/generated --runtime-import ../../../runtime/index.js',
    '<%= config.bin %> generate drivers/e1000/e1000.nicdl -o out --target c-header',
  ];
  static override enableJsonFlag = true;
  static override args = {
    spec: Args.string({ description: 'the .nicdl spec (or an IR .json file)', required: true }),
  };
  static override flags = {
    out: Flags.string({ char: 'o', description: 'output directory', required: true }),
    target: Flags.string({ description: 'what to generate', options: [...TARGETS], default: 'ts' }),
    'runtime-import': Flags.string({
      description: 'module specifier the generated TypeScript imports the runtime from',
      default: DEFAULT_RUNTIME_IMPORT,
    }),
  };

  async run(): Promise<{ spec: string; target: string; out: string; ms: number } & WriteReport> {
    const { args, flags } = await this.parse(Generate);
    const t0 = performance.now();
    const { generateTarget } = await import('../../generators/index.js');
    const { writeGenerated } = await import('../../generators/output.js');
    const ir = await loadSpecIr(args.spec);
    const files = generateTarget(ir, flags.target as Target, {
      runtimeImport: flags['runtime-import'],
    });
    const report = writeGenerated(flags.out, files);
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    this.log(
      `nicdl: ${ir.name}: ${files.size} file(s) in ${flags.out} (${report.written.length} written, ` +
        `${report.unchanged.length} unchanged${report.removed.length ? `, ${report.removed.length} stale removed` : ''}) in ${ms} ms`,
    );
    return { spec: args.spec, target: flags.target, out: flags.out, ms, ...report };
  }
}
