/**
 * Diagnostics: the catalog of every problem nicdl reports, as data, and the renderer.
 *
 * Each entry has a stable code, a severity and a message template with `{name}` holes
 * (TypeScript's diagnosticMessages.json does the same). Call sites name an entry and pass
 * arguments; they never build message text themselves, so every message can be tested
 * and looked up by code. Ranges: NDL0xx syntax and files, 1xx names, 2xx layout,
 * 3xx access, 4xx rings and descriptors, 5xx sequences.
 */
import type { Span } from './ast.js';
import { LineMap } from './lines.js';

export type Severity = 'error' | 'warning';

export interface Note {
  message: string;
  span?: Span;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** The offending token. */
  span: Span;
  notes: Note[];
  /** A suggested fix, e.g. "did you mean 'TDH'?". */
  hint?: string;
}

interface Entry {
  severity: Severity;
  template: string;
}

export const CATALOG = {
  // ---- syntax and files
  NDL001: { severity: 'error', template: 'expected {expected}, found {found}' },
  NDL002: {
    severity: 'error',
    template: "device '{name}' is never closed: missing '}' at the end of the file",
  },
  NDL003: {
    severity: 'error',
    template: 'an import must come before every other item of the file',
  },
  NDL004: {
    severity: 'error',
    template: "a second device block '{name}': a file describes one device",
  },
  NDL005: {
    severity: 'error',
    template: 'a device block cannot appear inside another device block',
  },
  NDL006: { severity: 'error', template: "cannot read '{path}': {reason}" },
  NDL007: { severity: 'error', template: 'import cycle: {cycle}' },
  NDL008: { severity: 'error', template: "'{modifier}' is given twice" },
  NDL009: { severity: 'error', template: 'number {raw} is too large (numbers must be below 2^53)' },
  NDL010: {
    severity: 'warning',
    template: 'no device block: the file is checked as a library and produces no IR',
  },
  NDL011: {
    severity: 'error',
    template: "imported file '{path}' declares device '{name}': only the importing file may",
  },
  NDL012: { severity: 'error', template: 'unterminated block comment' },
  NDL013: { severity: 'error', template: "'{keyword}' is not allowed here: {reason}" },
  // ---- names
  NDL101: { severity: 'error', template: "duplicate {what} '{name}'{owner}" },
  NDL102: { severity: 'error', template: "unknown constant '{name}'" },
  NDL103: { severity: 'error', template: "unknown register '{name}'" },
  NDL104: { severity: 'error', template: "register '{register}' has no field '{name}'" },
  NDL105: { severity: 'error', template: "unknown descriptor '{name}'" },
  NDL106: { severity: 'error', template: "{owner} has no field '{name}'" },
  NDL107: { severity: 'error', template: "unknown register space '{name}'" },
  NDL108: { severity: 'error', template: "unknown sequence '{name}'" },
  NDL109: { severity: 'error', template: "'{name}' is not {candidates}" },
  NDL110: {
    severity: 'warning',
    template: "parameter '{name}' of sequence '{sequence}' is never used",
  },
  NDL111: {
    severity: 'warning',
    template: "parameter '{name}' hides the constant of the same name",
  },
  NDL112: {
    severity: 'error',
    template: "constant '{name}' is defined in terms of itself: {cycle}",
  },
  NDL113: { severity: 'error', template: "unknown fieldset '{name}'" },
  NDL114: { severity: 'warning', template: "fieldset '{name}' is never used" },
  // ---- layout
  NDL201: {
    severity: 'error',
    template: "{what} '{name}' at {range} overlaps '{other}' at {otherRange}",
  },
  NDL202: {
    severity: 'error',
    template: "field '{name}' [{bits}] overlaps field '{other}' [{otherBits}]",
  },
  NDL203: {
    severity: 'error',
    template: "field '{name}' [{bits}] does not fit in {owner}, which is {width} wide",
  },
  NDL204: { severity: 'error', template: 'reset value {value} of {owner} does not fit in {width}' },
  NDL205: {
    severity: 'error',
    template: "enum value '{name}' = {value} does not fit in field '{field}' ({width})",
  },
  NDL206: {
    severity: 'error',
    template:
      "reset of field '{field}' is {fieldReset} but the register's reset {regReset} has {bitsValue} in [{bits}]",
  },
  NDL207: {
    severity: 'error',
    template: 'bit range [{msb}:{lsb}] is reversed: write the most significant bit first',
  },
  NDL208: {
    severity: 'error',
    template: "register '{name}' is u64: a 64-bit register must be 'split' (two 32-bit halves)",
  },
  NDL209: {
    severity: 'error',
    template: "'split' applies to u64 registers only; '{name}' is {width}",
  },
  NDL210: {
    severity: 'error',
    template: "register '{name}' at {offset} is not aligned to its width ({bytes} bytes)",
  },
  NDL211: {
    severity: 'error',
    template: "register '{name}' is in BAR {bar}, which the device does not declare",
  },
  NDL212: {
    severity: 'error',
    template: "register '{name}' ends at {end}, beyond BAR {bar} ({size} bytes)",
  },
  NDL213: {
    severity: 'error',
    template: "array stride {stride} of '{name}' is smaller than its element ({bytes} bytes)",
  },
  NDL214: { severity: 'error', template: "'stride' needs an array: write '{name}[COUNT]'" },
  NDL215: {
    severity: 'error',
    template:
      "register '{name}' is {width} bits wide but space '{space}' holds {spaceWidth}-bit registers",
  },
  NDL216: {
    severity: 'error',
    template: "register '{name}' lives in space '{space}': it cannot also name a BAR",
  },
  NDL217: { severity: 'error', template: '{what} {value} is out of range ({range})' },
  NDL218: { severity: 'error', template: 'BAR {index} is declared twice' },
  NDL219: {
    severity: 'error',
    template:
      "field '{name}' [{bits}] of fieldset '{fieldset}' does not fit in register '{register}', which is {width} wide",
  },
  // ---- access
  NDL301: {
    severity: 'error',
    template: "sequence '{sequence}' writes '{register}', which is read-only ({access})",
  },
  NDL302: {
    severity: 'error',
    template: "sequence '{sequence}' writes field '{register}.{field}', which is read-only",
  },
  NDL303: {
    severity: 'error',
    template:
      "ring '{ring}' head '{register}' is {access}: the driver must read the head to learn what the device consumed",
  },
  NDL304: {
    severity: 'error',
    template:
      "ring '{ring}' tail '{register}' is {access}: the driver must write the tail to hand slots to the device",
  },
  NDL305: {
    severity: 'error',
    template:
      "ring '{ring}' {role} register '{register}' is {access}: the driver must write it to program the ring",
  },
  NDL306: {
    severity: 'warning',
    template:
      "modify reads '{register}', which clears on read ({access}): the read discards pending bits",
  },
  NDL307: {
    severity: 'error',
    template:
      "sequence '{sequence}' {verb} '{register}', which is write-only: reads return an undefined value",
  },
  NDL308: {
    severity: 'warning',
    template: "modify of '{register}' ({access}) writes back the 1s it reads, {effect}",
  },
  NDL309: {
    severity: 'warning',
    template: "self-clearing field '{field}' is read-only: software can never set it",
  },
  // ---- rings and descriptors
  NDL401: { severity: 'error', template: "ring '{ring}' head cannot be owned by the driver" },
  NDL402: { severity: 'error', template: "ring '{ring}' tail cannot be owned by the device" },
  NDL403: {
    severity: 'error',
    template:
      "descriptor field '{name}' ({type} at byte {offset}) ends beyond the {size}-byte descriptor '{descriptor}'",
  },
  NDL404: {
    severity: 'error',
    template: "descriptor field '{name}' (bytes {range}) overlaps '{other}' (bytes {otherRange})",
  },
  NDL405: {
    severity: 'error',
    template:
      "descriptor field '{name}' at byte {offset} is not aligned to its size ({bytes} bytes)",
  },
  NDL406: {
    severity: 'error',
    template:
      "ring '{ring}' of up to {count} descriptors needs {bytes} bytes but length register '{register}' holds at most {limit}",
  },
  NDL407: { severity: 'error', template: "ring '{ring}' count: {problem}" },
  NDL408: {
    severity: 'warning',
    template:
      "ring '{ring}' grows in steps of {stepBytes} bytes, not a multiple of its {align}-byte alignment",
  },
  NDL409: {
    severity: 'error',
    template:
      "ring '{ring}' completes on '{done}', which the device writes back only when '{report}' is set, but 'on post' never sets it",
  },
  NDL410: {
    severity: 'error',
    template: "tx ring '{ring}' completes on write-back ('{done}') but names no 'report' bit",
  },
  NDL411: { severity: 'error', template: "'{field}' is {type}: too small for {what}" },
  NDL412: {
    severity: 'error',
    template: "ring '{ring}' buffer default {default} is larger than its max {max}",
  },
  NDL413: { severity: 'error', template: "ring '{ring}' has no '{property}'" },
  NDL414: { severity: 'error', template: "ring '{ring}' gives '{property}' twice" },
  NDL415: { severity: 'error', template: "'{key}' in complete: {problem}" },
  NDL416: { severity: 'error', template: "'{path}' must name {expected}" },
  NDL417: { severity: 'error', template: "value {value} does not fit in '{field}' ({width})" },
  NDL418: {
    severity: 'error',
    template:
      "ring '{ring}' 'on post' leaves '{done}' as the device last wrote it: a stale done bit would look like a completed slot",
  },
  NDL419: {
    severity: 'error',
    template:
      "ring '{ring}' formats differ in size: '{name}' is {size} bytes, '{first}' is {firstSize}",
  },
  NDL420: {
    severity: 'error',
    template: "descriptor '{name}' with two meanings needs 'read {{ … }}' then 'writeback {{ … }}'",
  },
  NDL421: { severity: 'error', template: "ring '{ring}' alignment {align} is not a power of two" },
  // ---- sequences
  NDL501: {
    severity: 'error',
    template: "wait on '{target}' has no time limit: add 'within TIME'",
  },
  NDL502: { severity: 'error', template: 'sequence calls itself: {cycle}' },
  NDL503: {
    severity: 'error',
    template:
      "call of '{name}' cannot supply its parameter '{param}': the caller has no parameter of that name",
  },
  NDL504: { severity: 'error', template: 'value {value} does not fit in {target} ({width})' },
  NDL505: {
    severity: 'warning',
    template: 'poll interval {every} us is not shorter than the time limit {within} us',
  },
  NDL506: { severity: 'error', template: "element index of '{register}': {problem}" },
  NDL507: { severity: 'error', template: "field '{field}' is assigned twice" },
} as const satisfies Record<string, Entry>;

export type Code = keyof typeof CATALOG;

/** Fills a catalog template; `{{`/`}}` stand for literal braces. */
export function formatMessage(code: Code, args: Record<string, string | number> = {}): string {
  return CATALOG[code].template.replace(/\{\{|\}\}|\{(\w+)\}/g, (m, name: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const v = args[name as string];
    return v === undefined ? m : String(v);
  });
}

export interface DiagOptions {
  notes?: Note[];
  hint?: string;
}

export function diag(
  code: Code,
  span: Span,
  args: Record<string, string | number> = {},
  opts: DiagOptions = {},
): Diagnostic {
  const d: Diagnostic = {
    code,
    severity: CATALOG[code].severity,
    message: formatMessage(code, args),
    span,
    notes: opts.notes ?? [],
  };
  if (opts.hint) d.hint = opts.hint;
  return d;
}

/** `1 bit`, `16 bits`: widths in messages. */
export function bits(n: number): string {
  return `${n} bit${n === 1 ? '' : 's'}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, then position, then code. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

// ------------------------------------------------------------------ rendering

const position = (s: Span) => `${s.file}:${s.line}:${s.col}`;

/**
 * Renders one diagnostic the way tsc and rustc do:
 * ```
 * e1000.nicdl:12:8: error NDL103: unknown register 'TDHH'
 *   12 |   head TDHH
 *      |        ^^^^
 *   help: did you mean 'TDH'?
 *   note: e1000.nicdl:3:3: ...
 * ```
 * `sources` maps file names to their text; without the text only the first line prints.
 */
export function renderDiagnostic(
  d: Diagnostic,
  sources: Record<string, string> = {},
  cache = new Map<string, LineMap>(),
): string {
  const out = [`${position(d.span)}: ${d.severity} ${d.code}: ${d.message}`];
  const text = sources[d.span.file];
  if (text !== undefined) {
    let lines = cache.get(d.span.file);
    if (!lines) {
      lines = new LineMap(text, d.span.file);
      cache.set(d.span.file, lines);
    }
    out.push(...excerpt(lines, d.span));
  }
  if (d.hint) out.push(`  help: ${d.hint}`);
  for (const n of d.notes)
    out.push(n.span ? `  note: ${position(n.span)}: ${n.message}` : `  note: ${n.message}`);
  return out.join('\n');
}

export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: Record<string, string> = {},
): string {
  const cache = new Map<string, LineMap>();
  return diagnostics.map((d) => renderDiagnostic(d, sources, cache)).join('\n');
}

/** The source line of a span and a caret line under it (to the end of the line for a multi-line span). */
function excerpt(lines: LineMap, span: Span): string[] {
  const line = lines.lineText(span.line);
  const gutter = String(span.line);
  const pad = ' '.repeat(gutter.length);
  const from = Math.min(span.col - 1, line.length);
  const to =
    span.endLine === span.line
      ? Math.max(span.endCol - 1, from + 1)
      : Math.max(line.length, from + 1);
  // Keep tabs in the caret line so the carets stay under the characters they mark.
  const lead = line.slice(0, from).replace(/[^\t]/g, ' ');
  return [`  ${gutter} | ${line}`, `  ${pad} | ${lead}${'^'.repeat(to - from)}`];
}
