/**
 * The checked model: the IR being built, each piece next to the syntax node it came
 * from. Lowering (spec/lower.ts) fills it with resolved numbers; the checks
 * (spec/checks/) read numbers from `ir` and point their diagnostics at tokens of `node`;
 * spec/emit.ts finally keeps only the `ir` halves.
 */
import type {
  ConstNode,
  DescFieldNode,
  DescriptorNode,
  DeviceNode,
  FieldNode,
  FieldsetNode,
  Ident,
  PostAssignNode,
  RegisterNode,
  RingNode,
  SequenceNode,
  SpaceNode,
  BarNode,
  PciIdNode,
  StepNode,
  FieldPath,
  Span,
} from '../dsl/ast.js';
import type { Diagnostic } from '../dsl/diagnostics.js';
import type { z } from 'zod';
import type {
  Bar,
  Constant,
  DescBitRef,
  Descriptor,
  DescriptorField,
  Field,
  PostAssign,
  Register,
  Ring,
  Sequence,
  Space,
  Step,
} from './ir.js';

export interface FieldModel {
  ir: Field;
  node: FieldNode;
  /** For a field a register takes from a fieldset: the register's `fields NAME`. */
  via?: Ident;
}

/** A named set of fields, lowered once; registers that name it get copies. */
export interface FieldsetModel {
  node: FieldsetNode;
  fields: FieldModel[];
  /** A bit position could not be resolved. */
  broken: boolean;
  /** Some register names it. */
  used: boolean;
}

export interface RegisterModel {
  ir: Register;
  node: RegisterNode;
  fields: FieldModel[];
  /** A number in the declaration could not be resolved: layout checks skip it. */
  broken: boolean;
}

export interface DescFieldModel {
  ir: DescriptorField;
  node: DescFieldNode;
  bits: FieldModel[];
}

export interface DescriptorModel {
  ir: Descriptor;
  node: DescriptorNode;
  /** What software writes (the only layout of a one-meaning descriptor). */
  fields: DescFieldModel[];
  /** What the device writes back, for a two-meaning descriptor. */
  writeback?: DescFieldModel[];
  broken: boolean;
}

/** A resolved `field.BIT` inside a ring's descriptor. */
export interface BitRefModel {
  ir: DescBitRef;
  node: FieldPath;
  field: DescFieldModel;
  bit: FieldModel;
}

export interface PostModel {
  ir: PostAssign;
  node: PostAssignNode;
  field: DescFieldModel;
}

/** A ring register reference, resolved when the register exists. */
export interface RingRegRef {
  role: 'base low' | 'base high' | 'length' | 'head' | 'tail';
  name: string;
  span: Span;
  reg?: RegisterModel;
}

export interface RingModel {
  node: RingNode;
  /** The IR ring, complete only when every required property was given and resolved. */
  ir: Partial<Ring> & { name: string };
  /** The descriptor `on post` writes (the first format), when it exists. */
  desc?: DescriptorModel;
  formats: DescriptorModel[];
  regs: RingRegRef[];
  done?: BitRefModel;
  eop?: BitRefModel;
  last?: BitRefModel;
  report?: BitRefModel;
  post: PostModel[];
}

export interface StepModel {
  ir: Step;
  node: StepNode;
  reg?: RegisterModel;
  /** The field a `set`, `clear` or `wait` names. */
  field?: FieldModel;
  /** Fields of a `write { … }` or `modify { … }`, with the value each is given. */
  assigns: Array<{ field: FieldModel; value: number | undefined; span: Span; nameSpan: Span }>;
}

export interface SequenceModel {
  ir: Sequence;
  node: SequenceNode;
  steps: StepModel[];
}

export interface Model {
  file: string;
  device?: DeviceNode;
  pci: Array<{ vendor: number; device: number; name?: string; node: PciIdNode }>;
  bars: Array<{ ir: z.infer<typeof Bar>; node: BarNode }>;
  spaces: Array<{ ir: Space; node: SpaceNode }>;
  constants: Array<{ ir: Constant; node: ConstNode }>;
  registers: RegisterModel[];
  descriptors: DescriptorModel[];
  rings: RingModel[];
  sequences: SequenceModel[];
  fieldsets: FieldsetModel[];
  /** First declaration of each name, per namespace (duplicates are reported, not kept here). */
  byName: {
    register: Map<string, RegisterModel>;
    constant: Map<string, number | undefined>;
    descriptor: Map<string, DescriptorModel>;
    sequence: Map<string, SequenceModel>;
    space: Map<string, { ir: Space; node: SpaceNode }>;
    fieldset: Map<string, FieldsetModel>;
  };
  /** Names declared by items that did not parse: references to them are not reported again. */
  poisoned: Set<string>;
  ref?: string;
  doc?: string;
}

/** What every check receives. */
export interface CheckContext {
  model: Model;
  report(d: Diagnostic): void;
}

/** One semantic rule (one file in spec/checks/). */
export interface Check {
  name: string;
  run(ctx: CheckContext): void;
}
