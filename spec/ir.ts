/**
 * The nicdl intermediate representation (IR).
 *
 * The IR is the single source of truth after lowering: generators, the device twin,
 * the drivers and the CLI read this, never the AST. It is plain JSON (no classes, no
 * bigint, no Map), versioned by `irVersion`, and published as JSON Schema through
 * `irJsonSchema()` (`nicdl ir --schema`).
 *
 * Units are in names or documented per field: offsets and sizes are in bytes, bit
 * positions count from the least significant bit, times are in microseconds.
 */
import { z } from 'zod';

export const IR_VERSION = 1;

/** A source span: 1-based line and column, 0-based character offsets, end exclusive. */
export const Span = z.object({
  file: z.string(),
  line: z.number().int().min(1),
  col: z.number().int().min(1),
  endLine: z.number().int().min(1),
  endCol: z.number().int().min(1),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});
export type Span = z.infer<typeof Span>;

const Name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);
const U32 = z.number().int().min(0).max(0xffff_ffff);
const NonNeg = z.number().int().min(0);

/** Common documentation attached to every named item: `///` comments and `ref "§..."`. */
const Documented = {
  doc: z.string().optional(),
  /** Datasheet reference, e.g. "13.4.1". */
  ref: z.string().optional(),
  loc: Span.optional(),
};

/**
 * Register access, in the vocabulary of the e1000 datasheet (and SystemRDL's sw/onread/onwrite):
 * - `ro`  software reads; writes are ignored by the device.
 * - `rw`  plain read/write.
 * - `wo`  software writes; reads return an undefined value (the twin returns 0).
 * - `rc`  read, and the read clears the bits (SystemRDL rclr): interrupt causes, statistics.
 * - `w1c` write 1 to clear a bit, 0 leaves it (SystemRDL woclr).
 * - `w1s` write 1 to set a bit, 0 leaves it (SystemRDL woset): e.g. IMS, ICS.
 */
export const Access = z.enum(['ro', 'rw', 'wo', 'rc', 'w1c', 'w1s']);
export type Access = z.infer<typeof Access>;

export const EnumValue = z.object({
  name: Name,
  value: U32,
  ...Documented,
});
export type EnumValue = z.infer<typeof EnumValue>;

/** A bit field of a register or of a descriptor field. `msb >= lsb`, both inclusive. */
export const Field = z.object({
  name: Name,
  lsb: NonNeg,
  msb: NonNeg,
  /** Overrides the register's access for these bits; absent means "as the register". */
  access: Access.optional(),
  /** The device clears the bit by itself once the action it starts is done (e.g. CTRL.RST). */
  selfClearing: z.boolean().default(false),
  /** Reset value of this field (already folded into the register's reset value). */
  reset: U32.optional(),
  enum: z.array(EnumValue).optional(),
  ...Documented,
});
export type Field = z.infer<typeof Field>;

export const Register = z.object({
  name: Name,
  /** BAR index the register lives in (ignored when `space` is set). */
  bar: NonNeg.default(0),
  /**
   * An indirect address space the register lives in instead of a BAR, e.g. "phy"
   * (reached through MDIC) or "eeprom" (through EERD). `offset` is then the register
   * number in that space, not a byte offset.
   */
  space: Name.optional(),
  /** Byte offset in the BAR of the first (or only) element. */
  offset: NonNeg,
  /** Width in bits as software sees it; 64-bit registers are always `split`. */
  width: z.union([z.literal(8), z.literal(16), z.literal(32), z.literal(64)]),
  access: Access,
  /** Reset value (for 64-bit registers: must fit in 53 bits; counters reset to 0). */
  reset: NonNeg.default(0),
  /**
   * A 64-bit value seen as two 32-bit registers: low word at `offset`, high word at
   * `offset + 4`. Read low first (the datasheet latches the high word on the low read).
   */
  split: z.boolean().default(false),
  /** A statistics counter: software accumulates it (rc counters) into a 64-bit total. */
  counter: z.boolean().default(false),
  /** Register array: `count` elements, `stride` bytes apart. */
  array: z.object({ count: z.number().int().min(1), stride: z.number().int().min(1) }).optional(),
  fields: z.array(Field).default([]),
  ...Documented,
});
export type Register = z.infer<typeof Register>;

export const Constant = z.object({
  name: Name,
  value: z.number().int(),
  ...Documented,
});
export type Constant = z.infer<typeof Constant>;

/** A field of a DMA descriptor, at a fixed byte offset, little-endian. */
export const DescriptorField = z.object({
  name: Name,
  /** Byte offset within the descriptor. */
  offset: NonNeg,
  type: z.enum(['u8', 'u16', 'u32', 'u64']),
  /** Bit fields inside this field (bit 0 = least significant bit of the field). */
  bits: z.array(Field).default([]),
  ...Documented,
});
export type DescriptorField = z.infer<typeof DescriptorField>;

/**
 * A descriptor format. Most formats have one layout (`fields`). A format whose slot
 * means one thing when software writes it and another after the device writes back
 * (e.g. 82574L extended RX) also has `writeback`.
 */
export const Descriptor = z.object({
  name: Name,
  /** Size in bytes. */
  size: z.number().int().min(1),
  fields: z.array(DescriptorField),
  writeback: z.array(DescriptorField).optional(),
  ...Documented,
});
export type Descriptor = z.infer<typeof Descriptor>;

/** A reference to one bit field inside a descriptor field, e.g. `status.DD`. */
export const DescBitRef = z.object({
  field: Name,
  bit: Name,
  /** Resolved at lowering: byte offset of `field`, its type, and the bit mask inside it. */
  offset: NonNeg,
  type: z.enum(['u8', 'u16', 'u32', 'u64']),
  mask: U32,
});
export type DescBitRef = z.infer<typeof DescBitRef>;

/** What one descriptor field is set to when a slot is posted. */
export const PostAssign = z.object({
  field: Name,
  /** `buffer`: the buffer's IOVA; `length`: the byte count posted; `const`: `value`. */
  source: z.enum(['buffer', 'length', 'const']),
  value: z.number().int().min(0).optional(),
  offset: NonNeg,
  type: z.enum(['u8', 'u16', 'u32', 'u64']),
  loc: Span.optional(),
});
export type PostAssign = z.infer<typeof PostAssign>;

export const Ring = z.object({
  name: Name,
  /** Direction of packet data: `tx` device reads buffers, `rx` device writes them. */
  direction: z.enum(['tx', 'rx']),
  /** Descriptor format posted into the ring (the first one listed). */
  descriptor: Name,
  /** Every descriptor format the ring accepts (e.g. legacy, context, data). */
  formats: z.array(Name),
  registers: z.object({
    baseLo: Name,
    baseHi: Name,
    /** Ring length register, in bytes. */
    length: Name,
    head: Name,
    tail: Name,
  }),
  /**
   * Who writes which index. In every Intel NIC ring the driver owns the tail (it hands
   * slots to the device) and the device owns the head (it hands them back). The lowering
   * refuses a spec that makes software the head's writer.
   */
  owners: z.object({ head: z.enum(['device', 'driver']), tail: z.enum(['device', 'driver']) }),
  count: z.object({
    min: z.number().int().min(1),
    max: z.number().int().min(1),
    /** Count must be a multiple of this. */
    step: z.number().int().min(1),
    default: z.number().int().min(1),
  }),
  /** Required alignment of the ring base, in bytes. */
  align: z.number().int().min(1),
  /** Buffer size per slot default, in bytes, and the largest a slot may hold. */
  buffer: z.object({ default: z.number().int().min(1), max: z.number().int().min(1) }),
  /** How software learns a slot is back: a bit the device sets when done. */
  done: DescBitRef,
  /** RX only: end of packet bit, the written-back length field, the error field. */
  eop: DescBitRef.optional(),
  lengthField: z
    .object({ field: Name, offset: NonNeg, type: z.enum(['u8', 'u16', 'u32', 'u64']) })
    .optional(),
  errorsField: z
    .object({ field: Name, offset: NonNeg, type: z.enum(['u8', 'u16', 'u32', 'u64']) })
    .optional(),
  /** Descriptor writes done for each posted slot, in order. */
  post: z.array(PostAssign),
  /** The command bits that mark the last descriptor of a frame (TX), e.g. cmd.EOP. */
  lastOfFrame: DescBitRef.optional(),
  /** The command bit that asks the device to report status (TX), e.g. cmd.RS. */
  reportStatus: DescBitRef.optional(),
  ...Documented,
});
export type Ring = z.infer<typeof Ring>;

/** A value in a sequence step: a literal or a named parameter of the sequence. */
export const Value = z.union([
  z.object({ kind: z.literal('const'), value: z.number().int() }),
  z.object({ kind: z.literal('param'), name: Name }),
]);
export type Value = z.infer<typeof Value>;

/** A register target in a sequence: `REG` or `REG[index]`. */
const RegTarget = { register: Name, index: NonNeg.optional() };

export const Step = z.discriminatedUnion('op', [
  /**
   * Write the whole register: `value`, with each of `fields` (if any) or-ed in at its
   * position. Fields not named are 0.
   */
  z.object({
    op: z.literal('write'),
    ...RegTarget,
    value: Value,
    fields: z.array(z.object({ field: Name, value: Value })).default([]),
    loc: Span.optional(),
  }),
  /** Read-modify-write: set the listed fields to values, leave the others. */
  z.object({
    op: z.literal('modify'),
    ...RegTarget,
    fields: z.array(z.object({ field: Name, value: Value })),
    loc: Span.optional(),
  }),
  /** Read a register for its side effect (e.g. clear ICR) or to flush posted writes. */
  z.object({ op: z.literal('read'), ...RegTarget, loc: Span.optional() }),
  /** Poll until `register.field` (or the whole register when no field) `cmp` value. */
  z.object({
    op: z.literal('wait'),
    ...RegTarget,
    field: Name.optional(),
    cmp: z.enum(['==', '!=']),
    value: Value,
    timeoutUs: z.number().int().min(1),
    intervalUs: z.number().int().min(1).default(10),
    loc: Span.optional(),
  }),
  z.object({ op: z.literal('delay'), us: z.number().int().min(0), loc: Span.optional() }),
  z.object({ op: z.literal('call'), sequence: Name, loc: Span.optional() }),
]);
export type Step = z.infer<typeof Step>;

export const Sequence = z.object({
  name: Name,
  params: z.array(Name).default([]),
  steps: z.array(Step),
  ...Documented,
});
export type Sequence = z.infer<typeof Sequence>;

export const PciId = z.object({
  vendor: z.number().int().min(0).max(0xffff),
  device: z.number().int().min(0).max(0xffff),
  name: z.string().optional(),
});

export const Bar = z.object({
  index: z.number().int().min(0).max(5),
  kind: z.enum(['mmio', 'io']),
  /** Size in bytes. */
  size: z.number().int().min(1),
});

/** An indirect register space (PHY over MDIO, EEPROM words), reached through registers. */
export const Space = z.object({
  name: Name,
  /** Width in bits of each register in the space. */
  width: z.union([z.literal(8), z.literal(16), z.literal(32)]),
  ...Documented,
});
export type Space = z.infer<typeof Space>;

export const Device = z.object({
  irVersion: z.literal(IR_VERSION),
  name: Name,
  source: z.object({
    /** Path of the main .nicdl file, as given. */
    file: z.string(),
    /** sha256 of the source text of every file read (imports included), hex. */
    hash: z.string(),
    imports: z.array(z.string()).default([]),
  }),
  pci: z.array(PciId),
  bars: z.array(Bar),
  spaces: z.array(Space).default([]),
  constants: z.array(Constant),
  /** Sorted by (bar, offset). */
  registers: z.array(Register),
  descriptors: z.array(Descriptor),
  rings: z.array(Ring),
  sequences: z.array(Sequence),
  ...Documented,
});
export type Device = z.infer<typeof Device>;
/** Input shape (defaults not yet applied), for hand-written IR fixtures. */
export type DeviceInput = z.input<typeof Device>;

/** Validate (and apply defaults to) an IR value. Throws a ZodError on a malformed IR. */
export function parseIr(value: unknown): Device {
  return Device.parse(value);
}

/** The IR's JSON Schema, for `nicdl ir --schema` and editors. */
export function irJsonSchema(): unknown {
  return z.toJSONSchema(Device, { io: 'input' });
}
