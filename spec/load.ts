/**
 * Reads a spec and everything it imports: parses each file once, resolves `import`
 * paths relative to the importing file, refuses import cycles (naming the whole cycle)
 * and hashes every source read, so the IR records exactly what it was built from.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type { FileNode, ImportNode, Span } from '../dsl/ast.js';
import { type Diagnostic, diag } from '../dsl/diagnostics.js';
import { parse } from '../dsl/parse.js';
import { hashSources } from './source-hash.js';

export interface LoadedFile {
  path: string;
  text: string;
  ast: FileNode;
}

export interface Loaded {
  /** The main file first, then each imported file once, in the order first reached. */
  files: LoadedFile[];
  diagnostics: Diagnostic[];
  sources: Record<string, string>;
  /** sha256 (hex) of every source text read, in `files` order. */
  hash: string;
  /** Imported paths (as resolved), in `files` order after the main file. */
  imports: string[];
}

export type ReadText = (path: string) => string;

const readUtf8: ReadText = (path) => readFileSync(path, 'utf8');

/** Loads the spec at `path` from the file system. */
export function loadFiles(path: string, read: ReadText = readUtf8): Loaded {
  path = normalize(path);
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    return failed(path, e);
  }
  return loadText(text, path, read);
}

/** Loads a spec whose main text is in hand; imports resolve relative to `file`'s folder. */
export function loadText(text: string, file: string, read: ReadText = readUtf8): Loaded {
  const loader = new Loader(read);
  // One spelling per file, so `./a.nicdl` importing `a.nicdl` is seen as the same file.
  loader.visit(file.startsWith('<') ? file : normalize(file), text, []);
  const files = loader.files;
  return {
    files,
    diagnostics: loader.diagnostics,
    sources: Object.fromEntries(files.map((f) => [f.path, f.text])),
    hash: hashSources(files.map((f) => f.text)),
    imports: files.slice(1).map((f) => f.path),
  };
}

function failed(path: string, e: unknown): Loaded {
  const span: Span = { file: path, line: 1, col: 1, endLine: 1, endCol: 1, start: 0, end: 0 };
  return {
    files: [],
    diagnostics: [diag('NDL006', span, { path, reason: reason(e) })],
    sources: {},
    hash: hashSources([]),
    imports: [],
  };
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error)?.message ?? String(e);
}

class Loader {
  readonly files: LoadedFile[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly read: ReadText) {}

  /** Parses one file and, depth first, the files it imports. `stack` is the import chain to it. */
  visit(path: string, text: string, stack: string[]): void {
    this.seen.add(path);
    const { ast, diagnostics } = parse(text, path);
    this.files.push({ path, text, ast });
    this.diagnostics.push(...diagnostics);
    const chain = [...stack, path];
    for (const node of ast.body) {
      if (node.kind === 'import') this.follow(node, path, chain);
    }
  }

  private follow(node: ImportNode, from: string, chain: string[]): void {
    const target = resolveImport(from, node.path.value);
    const at = chain.indexOf(target);
    if (at !== -1) {
      const cycle = [...chain.slice(at), target].join(' → ');
      this.diagnostics.push(diag('NDL007', node.path.loc, { cycle }));
      return;
    }
    if (this.seen.has(target)) return;
    let text: string;
    try {
      text = this.read(target);
    } catch (e) {
      this.diagnostics.push(diag('NDL006', node.path.loc, { path: target, reason: reason(e) }));
      return;
    }
    this.visit(target, text, chain);
  }
}

/** `import "x.nicdl"` in `dir/a.nicdl` names `dir/x.nicdl`. */
export function resolveImport(from: string, spec: string): string {
  const base = from.startsWith('<') ? '.' : dirname(from);
  return normalize(join(base, spec));
}
