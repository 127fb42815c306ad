/**
 * `nicdl doc SPEC -o DIR`: the device's reference documentation, as Markdown and as one
 * self-contained HTML page (register map, bit-field diagrams, search, descriptor layouts,
 * ring rules, sequences).
 */
import { Args, Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import type { WriteReport } from '../../generators/output.js';
import { loadSpecIr } from './generate.js';

export default class Doc extends NicdlCommand {
  static override summary = 'Write Markdown and single-page HTML documentation for a spec';
  static override examples = ['<%= config.bin %> doc drivers/e1000/e1000.nicdl -o docs/e1000'];
  static override enableJsonFlag = true;
  static override args = {
    spec: Args.string({ description: 'the .nicdl spec (or an IR .json file)', required: true }),
  };
  static override flags = {
    out: Flags.string({ char: 'o', description: 'output directory', required: true }),
  };

  async run(): Promise<{ spec: string; out: string; files: string[] } & WriteReport> {
    const { args, flags } = await this.parse(Doc);
    const { generateDocs } = await import('../../generators/index.js');
    const { writeGenerated } = await import('../../generators/output.js');
    const ir = await loadSpecIr(args.spec);
    const files = generateDocs(ir);
    const report = writeGenerated(flags.out, files);
    for (const name of files.keys()) this.log(`nicdl: wrote ${flags.out}/${name}`);
    return { spec: args.spec, out: flags.out, files: [...files.keys()], ...report };
  }
}
