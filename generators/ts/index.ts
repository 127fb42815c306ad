/**
 * The TypeScript target: one module per concern plus an index that re-exports them all.
 * Every exported name must be unique across the modules (the index uses `export *`),
 * so a clash is reported here, naming both modules, instead of surfacing as a tsc error
 * in someone's driver.
 */
import type { Device } from '../../spec/ir.js';
import { NicdlError } from '../../spec/errors.js';
import { normalize } from '../layout.js';
import { generateConstants } from './constants.js';
import { generateCounters } from './counters.js';
import { generateDescriptors } from './descriptors.js';
import { generateIrModule, IR_FILE } from './ir.js';
import { TsModule, DEFAULT_RUNTIME_IMPORT, type TsOptions } from './module.js';
import { generateRegisters } from './registers.js';
import { generateRings } from './rings.js';
import { generateSequences } from './sequences.js';
import { generateSpaces } from './spaces.js';

export { DEFAULT_RUNTIME_IMPORT, type TsOptions };

/** Generated files by name, in a fixed order; values are the file contents. */
export type GeneratedFiles = Map<string, string>;

const GENERATORS = [
  generateConstants,
  generateRegisters,
  generateSpaces,
  generateCounters,
  generateDescriptors,
  generateRings,
  generateSequences,
] as const;

export function generateTs(spec: Device, options: Partial<TsOptions> = {}): GeneratedFiles {
  const ir = normalize(spec);
  const opts: TsOptions = { runtimeImport: options.runtimeImport ?? DEFAULT_RUNTIME_IMPORT };
  const owner = new Map<string, string>();
  const files: GeneratedFiles = new Map();
  const index = new TsModule(
    'index.ts',
    ir,
    opts,
    `Everything generated for ${ir.name}, re-exported.`,
  );
  for (const generate of GENERATORS) {
    const { module, exports } = generate(ir, opts);
    for (const name of exports) {
      const first = owner.get(name);
      if (first !== undefined) {
        throw new NicdlError(
          'E_GEN_NAME_CLASH',
          `generated name ${name} is defined by both ${first} and ${module.fileName}; rename one of the spec items`,
        );
      }
      owner.set(name, module.fileName);
    }
    files.set(module.fileName, module.render());
    index.body.line(`export * from './${module.fileName.replace(/\.ts$/, '.js')}';`);
  }
  files.set(IR_FILE, generateIrModule(ir, opts).render());
  files.set('index.ts', index.render());
  return files;
}
