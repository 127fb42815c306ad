/**
 * One generated TypeScript module: its header, the imports it uses (collected while the
 * body is written, so a module never imports what it does not use) and its body.
 */
import type { Device } from '../../spec/ir.js';
import { CodeWriter, headerText } from '../emit.js';

export interface TsOptions {
  /** Module specifier the generated code imports the runtime from (e.g. 'nicdl/runtime'). */
  runtimeImport: string;
}

export const DEFAULT_RUNTIME_IMPORT = 'nicdl/runtime';

export class TsModule {
  readonly body = new CodeWriter();
  private readonly imports = new Map<string, { types: Set<string>; values: Set<string> }>();

  constructor(
    readonly fileName: string,
    private readonly ir: Device,
    private readonly options: TsOptions,
    private readonly purpose: string,
  ) {}

  /** Records a type-only import from the runtime and returns its name. */
  runtimeType(name: string): string {
    return this.use(this.options.runtimeImport, name, true);
  }

  /** Records a value import from the runtime and returns its name. */
  runtimeValue(name: string): string {
    return this.use(this.options.runtimeImport, name, false);
  }

  /** Records an import from a sibling generated module (`./registers.js`). */
  sibling(file: string, name: string, typeOnly = false): string {
    return this.use(`./${file.replace(/\.ts$/, '.js')}`, name, typeOnly);
  }

  private use(from: string, name: string, typeOnly: boolean): string {
    let entry = this.imports.get(from);
    if (!entry) {
      entry = { types: new Set(), values: new Set() };
      this.imports.set(from, entry);
    }
    (typeOnly ? entry.types : entry.values).add(name);
    return name;
  }

  /** The module text: header, purpose, imports (sorted), body. */
  render(): string {
    const out = new CodeWriter();
    out.line(`// ${headerText(this.ir)}`);
    out.line(`// ${this.purpose}`);
    const specifiers = [...this.imports.keys()].sort(
      (a, b) => rank(a) - rank(b) || a.localeCompare(b),
    );
    if (specifiers.length > 0) out.line();
    for (const from of specifiers) {
      const { types, values } = this.imports.get(from)!;
      const names = [...values].sort();
      const typeNames = [...types].filter((t) => !values.has(t)).sort();
      if (typeNames.length > 0 && names.length === 0) {
        out.line(`import type { ${typeNames.join(', ')} } from '${from}';`);
      } else {
        const all = [...names, ...typeNames.map((t) => `type ${t}`)];
        out.line(`import { ${all.join(', ')} } from '${from}';`);
      }
    }
    const body = this.body.toString();
    if (body.trim() !== '') return `${out.toString()}\n${body}`;
    out.line();
    out.line('export {};');
    return out.toString();
  }
}

/** Runtime imports first, then siblings. */
function rank(specifier: string): number {
  return specifier.startsWith('./') ? 1 : 0;
}
