/**
 * Shared state of one lowering: the model being filled, the diagnostics, and the
 * resolution of numbers (literals and constants) and names, with "did you mean" hints.
 */
import type { ConstNode, Ident, NumExpr, Span } from '../../dsl/ast.js';
import { type Code, type Diagnostic, type DiagOptions, diag } from '../../dsl/diagnostics.js';
import { didYouMean } from '../../dsl/suggest.js';
import type { Model } from '../model.js';

export class LowerContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Constant declarations by name (first one wins), evaluated on demand. */
  readonly constNodes = new Map<string, ConstNode>();
  private readonly evaluating: string[] = [];

  constructor(readonly model: Model) {}

  report(
    code: Code,
    span: Span,
    args: Record<string, string | number> = {},
    opts: DiagOptions = {},
  ): void {
    this.diagnostics.push(diag(code, span, args, opts));
  }

  /** The value of a number or constant name; undefined (already reported) when it has none. */
  num(expr: NumExpr): number | undefined {
    if (expr.kind === 'num') return Number.isNaN(expr.value) ? undefined : expr.value;
    return this.constant(expr.name, expr.loc);
  }

  /** Value of constant `name`; reports an unknown or self-referring one at `span`. */
  constant(name: string, span: Span): number | undefined {
    const known = this.model.byName.constant;
    if (known.has(name)) return known.get(name);
    const node = this.constNodes.get(name);
    if (!node) {
      if (!this.model.poisoned.has(name)) {
        this.report('NDL102', span, { name }, { hint: didYouMean(name, this.constNodes.keys()) });
      }
      return undefined;
    }
    const at = this.evaluating.indexOf(name);
    if (at !== -1) {
      const cycle = [...this.evaluating.slice(at), name].join(' → ');
      this.report('NDL112', node.name.loc, { name, cycle });
      known.set(name, undefined);
      return undefined;
    }
    this.evaluating.push(name);
    const value = this.num(node.value);
    this.evaluating.pop();
    known.set(name, value);
    return value;
  }

  /** Looks a name up; reports it as unknown (with a suggestion) unless it belongs to a broken item. */
  lookup<T>(
    map: Map<string, T>,
    id: Ident,
    code: Code,
    args: Record<string, string | number> = {},
  ): T | undefined {
    const found = map.get(id.name);
    if (found !== undefined) return found;
    if (!this.model.poisoned.has(id.name)) {
      this.report(
        code,
        id.loc,
        { name: id.name, ...args },
        { hint: didYouMean(id.name, map.keys()) },
      );
    }
    return undefined;
  }
}

export const WIDTH_BITS = { u8: 8, u16: 16, u32: 32, u64: 64 } as const;

/** Bit width of a `[msb:lsb]` range. */
export function rangeBits(msb: number, lsb: number): number {
  return msb - lsb + 1;
}

/** True when `value` fits in `bits` bits (exact for any safe integer). */
export function fits(value: number, bits: number): boolean {
  return value >= 0 && (bits >= 53 || value < 2 ** bits);
}

/** The mask of bits lsb..msb, as a number (bits above 52 are not representable; callers check). */
export function maskOf(msb: number, lsb: number): number {
  return Number(((1n << BigInt(msb - lsb + 1)) - 1n) << BigInt(lsb));
}

export function hex(value: number): string {
  return `0x${value.toString(16).toUpperCase()}`;
}
