/**
 * The nicdl syntax tree, as the grammar (dsl/grammar.peggy) builds it.
 *
 * The AST is the source as written: names are unresolved, numbers keep their spelling
 * (`raw`) next to their value, modifiers keep their order. Every node carries its span.
 * Only spec/ reads it (to lower it into the IR) and dsl/format.ts (to print it back).
 */
import type { Span } from '../spec/ir.js';

export type { Span };

/** An identifier where it is written: a declaration's name or a reference. */
export interface Ident {
  name: string;
  loc: Span;
}

/** A number literal. `value` is NaN when the literal does not fit in 2^53. */
export interface NumLit {
  kind: 'num';
  value: number;
  /** The literal as written (`0x0000_00FF`, `128K`), kept by the formatter. */
  raw: string;
  loc: Span;
}

/** A named constant used where a number is expected. */
export interface NameRef {
  kind: 'name';
  name: string;
  loc: Span;
}

/** Wherever a number is expected: a literal or a constant's name. */
export type NumExpr = NumLit | NameRef;

export interface StrLit {
  value: string;
  raw: string;
  loc: Span;
}

/** A keyword-valued token (width, access, direction, ...), located for diagnostics. */
export interface Word<T extends string> {
  value: T;
  loc: Span;
}

export type Width = 'u8' | 'u16' | 'u32' | 'u64';
export type AccessKw = 'ro' | 'rw' | 'wo' | 'rc' | 'w1c' | 'w1s';
export type TimeUnit = 'us' | 'ms' | 's';

/** A comment, found by the lexer (dsl/comments.ts), not by the grammar. */
export interface Comment {
  /** `///` doc comment, `//` line comment or `/* … *\/` block comment. */
  kind: 'doc' | 'line' | 'block';
  text: string;
  loc: Span;
}

// ---------------------------------------------------------------- modifiers

export type RegisterMod =
  | { kind: 'reset'; value: NumExpr; loc: Span }
  | { kind: 'ref'; text: StrLit; loc: Span }
  | { kind: 'in'; space: Ident; loc: Span }
  | { kind: 'split'; loc: Span }
  | { kind: 'bar'; index: NumExpr; loc: Span }
  /** `fields NAME`: the register takes the fields of fieldset NAME (before its own). */
  | { kind: 'fields'; name: Ident; loc: Span };

export type FieldMod =
  | { kind: 'access'; access: Word<AccessKw>; loc: Span }
  | { kind: 'selfClearing'; loc: Span }
  | { kind: 'reset'; value: NumExpr; loc: Span }
  | { kind: 'ref'; text: StrLit; loc: Span }
  | { kind: 'enum'; values: EnumValueNode[]; loc: Span };

/** `ref "…"`, the one modifier every other item may carry. */
export type RefMod = { kind: 'ref'; text: StrLit; loc: Span };

// ---------------------------------------------------------------- items

export interface EnumValueNode {
  kind: 'enumValue';
  name: Ident;
  value: NumExpr;
  doc?: string;
  loc: Span;
}

/** A bit field of a register or of a descriptor field: `NAME [MSB:LSB] MOD*`. */
export interface FieldNode {
  kind: 'field';
  name: Ident;
  msb: NumExpr;
  /** Absent for a one-bit field `[N]`. */
  lsb?: NumExpr;
  mods: FieldMod[];
  doc?: string;
  loc: Span;
}

export interface RegisterNode {
  kind: 'register';
  /** Declared with `counter` rather than `register`. */
  counter: boolean;
  name: Ident;
  /** Array element count, `NAME[COUNT]`. */
  count?: NumExpr;
  offset: NumExpr;
  stride?: NumExpr;
  width: Word<Width>;
  access: Word<AccessKw>;
  mods: RegisterMod[];
  /** Undefined when the register has no `{ … }` body. */
  fields?: FieldNode[];
  /** Span of the `{ … }` body, for the formatter. */
  bodyLoc?: Span;
  doc?: string;
  loc: Span;
}

/** `fieldset NAME { FIELD* }`: fields that several registers share (`fields NAME`). */
export interface FieldsetNode {
  kind: 'fieldset';
  name: Ident;
  mods: RefMod[];
  fields: FieldNode[];
  bodyLoc: Span;
  doc?: string;
  loc: Span;
}

export interface ConstNode {
  kind: 'const';
  name: Ident;
  value: NumExpr;
  mods: RefMod[];
  doc?: string;
  loc: Span;
}

export interface RefNode {
  kind: 'ref';
  text: StrLit;
  loc: Span;
}

export interface PciIdNode {
  vendor: NumExpr;
  device: NumExpr;
  name?: StrLit;
  loc: Span;
}

export interface PciNode {
  kind: 'pci';
  ids: PciIdNode[];
  loc: Span;
}

export interface BarNode {
  kind: 'bar';
  index: NumExpr;
  space: Word<'mmio' | 'io'>;
  size: NumExpr;
  loc: Span;
}

export interface SpaceNode {
  kind: 'space';
  name: Ident;
  width: Word<Width>;
  mods: RefMod[];
  doc?: string;
  loc: Span;
}

export interface DescFieldNode {
  kind: 'descField';
  name: Ident;
  type: Word<Width>;
  offset: NumExpr;
  mods: RefMod[];
  bits?: FieldNode[];
  bodyLoc?: Span;
  doc?: string;
  loc: Span;
}

/** `read { … }` or `writeback { … }` inside a two-meaning descriptor. */
export interface DescLayoutNode {
  kind: 'layout';
  which: Word<'read' | 'writeback'>;
  fields: DescFieldNode[];
  bodyLoc: Span;
  loc: Span;
}

export interface DescriptorNode {
  kind: 'descriptor';
  name: Ident;
  size: NumExpr;
  mods: RefMod[];
  /** Plain form: one layout. */
  fields?: DescFieldNode[];
  /** Two-meaning form: `read { … } writeback { … }`. */
  layouts?: DescLayoutNode[];
  bodyLoc: Span;
  doc?: string;
  loc: Span;
}

/** `field` or `field.BIT`, naming a descriptor field or one of its bit fields. */
export interface FieldPath {
  field: Ident;
  bit?: Ident;
  loc: Span;
}

export interface CompleteEntry {
  key: Ident;
  value: FieldPath;
  loc: Span;
}

/** One bit field named in `FIELD = A | B(3)`. */
export interface BitTerm {
  name: Ident;
  value?: NumExpr;
  loc: Span;
}

export type PostValue =
  | { kind: 'buffer'; loc: Span }
  | { kind: 'length'; loc: Span }
  | { kind: 'bits'; bits: BitTerm[]; loc: Span }
  | NumLit;

export interface PostAssignNode {
  field: Ident;
  value: PostValue;
  loc: Span;
}

export type RingProp =
  | { kind: 'direction'; value: Word<'tx' | 'rx'>; loc: Span }
  | { kind: 'base'; lo: Ident; hi: Ident; loc: Span }
  | { kind: 'length'; reg: Ident; loc: Span }
  | { kind: 'head'; reg: Ident; owner?: Word<'device' | 'driver'>; loc: Span }
  | { kind: 'tail'; reg: Ident; owner?: Word<'device' | 'driver'>; loc: Span }
  | { kind: 'count'; min: NumExpr; max: NumExpr; step?: NumExpr; default?: NumExpr; loc: Span }
  | { kind: 'align'; value: NumExpr; loc: Span }
  | { kind: 'buffer'; default: NumExpr; max?: NumExpr; loc: Span }
  | { kind: 'complete'; entries: CompleteEntry[]; bodyLoc: Span; loc: Span }
  | { kind: 'last'; path: FieldPath; loc: Span }
  | { kind: 'report'; path: FieldPath; loc: Span }
  | { kind: 'post'; assigns: PostAssignNode[]; bodyLoc: Span; loc: Span };

export type RingPropKind = RingProp['kind'];

export interface RingNode {
  kind: 'ring';
  name: Ident;
  formats: Ident[];
  mods: RefMod[];
  props: RingProp[];
  bodyLoc: Span;
  doc?: string;
  loc: Span;
}

/** `REG` or `REG[INDEX]`. */
export interface RegTarget {
  reg: Ident;
  index?: NumExpr;
  loc: Span;
}

export interface FieldAssign {
  field: Ident;
  value: NumExpr;
  loc: Span;
}

export interface TimeNode {
  value: NumExpr;
  unit: Word<TimeUnit>;
  loc: Span;
}

export type StepNode =
  | {
      kind: 'write';
      target: RegTarget;
      value?: NumExpr;
      fields?: FieldAssign[];
      bodyLoc?: Span;
      loc: Span;
    }
  | { kind: 'modify'; target: RegTarget; fields: FieldAssign[]; bodyLoc: Span; loc: Span }
  | { kind: 'set' | 'clear'; target: RegTarget; field: Ident; loc: Span }
  | { kind: 'read'; target: RegTarget; loc: Span }
  | {
      kind: 'wait';
      target: RegTarget;
      field?: Ident;
      cmp: Word<'==' | '!='>;
      value: NumExpr;
      within?: TimeNode;
      every?: TimeNode;
      loc: Span;
    }
  | { kind: 'delay'; time: TimeNode; loc: Span }
  | { kind: 'call'; name: Ident; loc: Span };

export interface SequenceNode {
  kind: 'sequence';
  name: Ident;
  params: Ident[];
  mods: RefMod[];
  steps: StepNode[];
  bodyLoc: Span;
  doc?: string;
  loc: Span;
}

/**
 * A region the parser could not read, skipped up to the next item keyword at the start
 * of a line (or the end of the enclosing block). `keyword`/`name` are a best guess at what
 * it declared, so references to it are not reported a second time as unknown names.
 */
export interface BadNode {
  kind: 'bad';
  keyword?: string;
  name?: string;
  loc: Span;
}

export type ItemNode =
  | RefNode
  | PciNode
  | BarNode
  | SpaceNode
  | ConstNode
  | FieldsetNode
  | RegisterNode
  | DescriptorNode
  | RingNode
  | SequenceNode
  | BadNode;

export interface DeviceNode {
  kind: 'device';
  name: Ident;
  mods: RefMod[];
  items: ItemNode[];
  bodyLoc: Span;
  /** True when the file ended before the device's closing brace. */
  unclosed: boolean;
  doc?: string;
  loc: Span;
}

export interface ImportNode {
  kind: 'import';
  path: StrLit;
  loc: Span;
}

export type TopNode = ImportNode | DeviceNode | ItemNode;

export interface FileNode {
  kind: 'file';
  file: string;
  body: TopNode[];
  /** Every comment of the file in source order (doc comments included). */
  comments: Comment[];
  loc: Span;
}
