/**
 * Typed errors for everything past the language front end (spec loading, runtime, drivers, generated
 * code). Each carries a stable code, a one-line message naming what and where, and the
 * process exit code the CLI uses. Only the CLI turns these into text; library code never
 * prints.
 */

/** Exit codes, distinct per failure class so scripts can tell them apart. */
export const ExitCode = {
  ok: 0,
  /** Bad user input: a flag, a file, a frame size, a spec with errors. */
  usage: 1,
  notFound: 3,
  noVfio: 4,
  noIommu: 5,
  permission: 6,
  groupNotViable: 7,
  busy: 8,
  timeout: 9,
  deviceFault: 10,
  unsupported: 11,
  internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class NicdlError extends Error {
  override readonly name: string = 'NicdlError';
  constructor(
    /** Stable identifier, e.g. "E_NO_IOMMU", "E_POLL_TIMEOUT". */
    readonly code: string,
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.usage,
    /** Optional extra facts for --json output (addresses, values, spec location). */
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** True for errors the CLI should print as one line (no stack trace). */
export function isNicdlError(e: unknown): e is NicdlError {
  return e instanceof NicdlError;
}

/**
 * A spec with errors where a valid IR was required (`loadIr`). The message names the
 * file and renders the first diagnostics; `detail.diagnostics` holds all of them.
 */
export class SpecError extends NicdlError {
  override readonly name: string = 'SpecError';
  constructor(
    message: string,
    readonly diagnostics: readonly unknown[],
  ) {
    super('E_SPEC', message, ExitCode.usage, { diagnostics });
  }
}
