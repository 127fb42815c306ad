/**
 * The ring classes a spec generates, loaded in-process: the TypeScript target's output
 * for the IR (generators/ts), compiled to JavaScript with the TypeScript compiler and
 * evaluated as CommonJS with the runtime handed in — the same DescriptorRing class this
 * process uses, so the suite drives exactly the code `nicdl generate` writes, without
 * files on disk and without a second copy of the runtime.
 *
 * The TypeScript compiler is a development dependency of nicdl; without it this throws
 * E_TEST_NO_TYPESCRIPT.
 */
import type { Device, Ring } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { generateTs } from '../../generators/ts/index.js';
import { ringClass, ringLayoutName } from '../../generators/ts/rings.js';
import * as support from '../support/index.js';
import type { DescriptorRing, RingLayout, RingOptions } from '../support/ring.js';
import type { DmaAllocator, DmaRegion, Mmio } from '../types.js';

/** What a generated ring class offers beyond DescriptorRing (RX rings add refill). */
export type GeneratedRing = DescriptorRing & { refill?(iova: number, cookie?: number): boolean };

export interface GeneratedRingClass {
  new (mmio: Mmio, region: DmaRegion, options?: RingOptions): GeneratedRing;
  allocate(mmio: Mmio, dma: DmaAllocator, options?: RingOptions): GeneratedRing;
}

/** One ring's generated class and the layout constant it is built on. */
export interface GeneratedRingEntry {
  RingClass: GeneratedRingClass;
  layout: RingLayout;
}

/** The specifier the generated code imports the runtime from; resolved to `support`. */
const RUNTIME_SPECIFIER = 'nicdl/runtime';
const RINGS_MODULE = './rings.js';

interface TypeScriptApi {
  transpileModule(
    input: string,
    options: { compilerOptions: Record<string, unknown>; fileName?: string },
  ): { outputText: string };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
}

let typescript: Promise<TypeScriptApi> | undefined;

async function loadTypeScript(): Promise<TypeScriptApi> {
  typescript ??= import('typescript').then(
    (m) => ((m as { default?: TypeScriptApi }).default ?? m) as TypeScriptApi,
    () => {
      typescript = undefined;
      throw new NicdlError(
        'E_TEST_NO_TYPESCRIPT',
        'nicdl test compiles the generated ring classes with the TypeScript compiler, which is not installed (npm install --save-dev typescript)',
        ExitCode.usage,
      );
    },
  );
  return typescript;
}

/** Specs compiled recently, by their IR as JSON (a test suite checks one spec many times). */
const compiled = new Map<string, Map<string, GeneratedRingEntry>>();
const COMPILED_KEPT = 8;

/** Each ring's generated class and layout, by ring name. */
export async function loadGeneratedRings(ir: Device): Promise<Map<string, GeneratedRingEntry>> {
  const key = JSON.stringify(ir);
  const hit = compiled.get(key);
  if (hit) return hit;
  const entries = await compile(ir);
  if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, entries);
  return entries;
}

async function compile(ir: Device): Promise<Map<string, GeneratedRingEntry>> {
  const ts = await loadTypeScript();
  const files = generateTs(ir, { runtimeImport: RUNTIME_SPECIFIER });
  const cache = new Map<string, Record<string, unknown>>();
  const load = (specifier: string): Record<string, unknown> => {
    if (specifier === RUNTIME_SPECIFIER) return support as unknown as Record<string, unknown>;
    const file = specifier.replace(/^\.\//, '').replace(/\.js$/, '.ts');
    const cached = cache.get(file);
    if (cached) return cached;
    const source = files.get(file);
    if (source === undefined)
      throw new Error(`generated code imports ${specifier}, which the generator did not write`);
    const js = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: false,
      },
    }).outputText;
    const module = { exports: {} as Record<string, unknown> };
    cache.set(file, module.exports);
    // The generator's own output, evaluated with a resolver that only knows it and the runtime.
    new Function('require', 'module', 'exports', js)(load, module, module.exports);
    cache.set(file, module.exports);
    return module.exports;
  };
  const rings = load(RINGS_MODULE);
  const out = new Map<string, GeneratedRingEntry>();
  for (const ring of ir.rings) out.set(ring.name, entryOf(rings, ring));
  return out;
}

function entryOf(module: Record<string, unknown>, ring: Ring): GeneratedRingEntry {
  const cls = module[ringClass(ring)];
  const layout = module[ringLayoutName(ring)];
  if (typeof cls !== 'function' || typeof layout !== 'object' || layout === null) {
    throw new Error(
      `the generated rings module lacks ${ringClass(ring)} or ${ringLayoutName(ring)} for ring ${ring.name}`,
    );
  }
  return { RingClass: cls as GeneratedRingClass, layout: layout as RingLayout };
}
