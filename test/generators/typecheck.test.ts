/**
 * All generated TypeScript compiles under `--strict`, and the type-level tests hold:
 * every line marked `// @ts-expect-error` fails to compile, for the reason its comment
 * names (checked by compiling a copy without the directives and matching the message).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { listFiles, REPO } from './helpers/golden.js';
import { allCases } from './helpers/specs.js';

const TYPE_TESTS = join(REPO, 'test/generators/type-tests');
const E1000_GENERATED = join(REPO, 'drivers/e1000/generated');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  typeRoots: [join(REPO, 'node_modules/@types')],
  skipLibCheck: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
};

function generatedFiles(): string[] {
  const golden = allCases().flatMap((c) =>
    listFiles(join(c.goldenDir, 'ts')).map((f) => join(c.goldenDir, 'ts', f)),
  );
  const e1000 = existsSync(E1000_GENERATED)
    ? readdirSync(E1000_GENERATED)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(E1000_GENERATED, f))
    : [];
  return [...golden, ...e1000];
}

function typeTestFiles(): string[] {
  return readdirSync(TYPE_TESTS)
    .filter((f) => f.endsWith('.types.ts'))
    .map((f) => join(TYPE_TESTS, f));
}

function format(d: ts.Diagnostic): string {
  const where =
    d.file && d.start !== undefined
      ? `${relative(REPO, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}`
      : '';
  return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

/** Diagnostics of `roots`, limited to files under the given directories. */
function diagnostics(roots: string[], host: ts.CompilerHost, within: string[]): ts.Diagnostic[] {
  const program = ts.createProgram(roots, OPTIONS, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && within.some((w) => d.file!.fileName.startsWith(w)));
}

const DIRECTIVE = /^\s*\/\/ @ts-expect-error `([^`]+)`/;

describe('generated TypeScript', () => {
  it('compiles under --strict with the type-level tests, every @ts-expect-error used', () => {
    const files = [...generatedFiles(), ...typeTestFiles()];
    const within = [join(REPO, 'test/generators'), E1000_GENERATED];
    const found = diagnostics(files, ts.createCompilerHost(OPTIONS), within).map(format);
    expect(found).toEqual([]);
  });

  it('fails each @ts-expect-error line for the reason its comment names', () => {
    const host = ts.createCompilerHost(OPTIONS);
    const stripped = new Map<string, { text: string; expects: Map<number, string> }>();
    for (const file of typeTestFiles()) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const expects = new Map<number, string>();
      const out = lines.map((line, i) => {
        const m = DIRECTIVE.exec(line);
        if (!m) return line;
        expects.set(i + 2, m[1]); // the next line, 1-based
        return '';
      });
      expect(expects.size, `${file} has no directives`).toBeGreaterThan(0);
      stripped.set(file, { text: out.join('\n'), expects });
    }
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => stripped.get(name)?.text ?? readFile(name);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, onError) => {
      const s = stripped.get(name);
      return s ? ts.createSourceFile(name, s.text, lang) : getSourceFile(name, lang, onError);
    };
    const found = diagnostics([...stripped.keys()], host, [TYPE_TESTS]);
    for (const [file, { expects }] of stripped) {
      const mine = found.filter((d) => d.file!.fileName === file);
      for (const [line, word] of expects) {
        const at = mine
          .filter((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1 === line)
          .map(format);
        expect(
          at.length,
          `${relative(REPO, file)}:${line} compiles, but must not (${word})`,
        ).toBeGreaterThan(0);
        expect(at.join('\n'), `${relative(REPO, file)}:${line} fails for another reason`).toContain(
          word,
        );
      }
      const unexpected = mine
        .filter((d) => !expects.has(d.file!.getLineAndCharacterOfPosition(d.start!).line + 1))
        .map(format);
      expect(unexpected).toEqual([]);
    }
  });
});
