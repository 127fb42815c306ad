/**
 * The e1000 driver's typed errors. Each names what was wrong and the value that was, so
 * the message alone tells the user what to change; the CLI turns them into text.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { SequenceTimeoutError } from '../../runtime/index.js';

/** A frame under the Ethernet header size or over the configured maximum (TX). */
export function frameSizeError(
  index: number,
  bytes: number,
  minBytes: number,
  maxBytes: number,
): NicdlError {
  const why =
    bytes < minBytes
      ? `the minimum is ${minBytes} (an Ethernet header)`
      : `the maximum is ${maxBytes} (set maxFrameBytes / enable jumbo)`;
  return new NicdlError(
    'E_FRAME_SIZE',
    `frame ${index} is ${bytes} bytes; ${why}`,
    ExitCode.usage,
    {
      frame: index,
      bytes,
      minBytes,
      maxBytes,
    },
  );
}

/** A configuration value the device cannot do. */
export function configError(
  code: string,
  message: string,
  detail: Record<string, unknown>,
): NicdlError {
  return new NicdlError(code, message, ExitCode.usage, detail);
}

/** The e1000 has one queue per direction. */
export function queueError(queue: number): NicdlError {
  return new NicdlError(
    'E_QUEUE',
    `queue ${queue} does not exist: the e1000 has one queue per direction (queue 0)`,
    ExitCode.usage,
    {
      queue,
    },
  );
}

/** A frame the TX queue had made room for was refused by its ring: a driver bug, not the caller's. */
export function txNoRoomError(slot: number, inUse: number): NicdlError {
  return new NicdlError(
    'E_TX_STATE',
    `the TX ring refused a frame at slot ${slot} after room was made for it (${inUse} slots in use)`,
    ExitCode.internal,
    { slot, inUse },
  );
}

/** The driver was used after close(). */
export function closedError(what: string): NicdlError {
  return new NicdlError('E_CLOSED', `${what}: the e1000 driver is closed`, ExitCode.usage, {});
}

/**
 * A register the device never answered through: rethrows a generated sequence's poll
 * timeout as E_TIMEOUT naming the register and what it was for; other errors pass.
 */
export function asRegisterTimeout(e: unknown, register: string, purpose: string): unknown {
  if (!(e instanceof SequenceTimeoutError)) return e;
  return new NicdlError(
    'E_TIMEOUT',
    `${purpose}: ${e.where.target} did not become ready within ${e.timeoutUs} us (last ${register} = 0x${e.lastValue.toString(16)}); the device did not answer`,
    ExitCode.timeout,
    {
      register,
      target: e.where.target,
      timeoutUs: e.timeoutUs,
      lastValue: e.lastValue,
      sequence: e.where.sequence,
    },
  );
}
