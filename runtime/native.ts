/**
 * Loads the native addon (runtime/native/nicdl_native.c) lazily. Nothing imports it at
 * start-up: the CLI, the generators and the device twin work without it, and only a
 * request for real hardware calls `native()`, which then says why it is unavailable.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ExitCode, NicdlError } from '../spec/errors.js';

/** The addon's functions. Failures come back as -errno, never as exceptions. */
export interface NativeAddon {
  /** mmap(MAP_SHARED) of `length` bytes of `fd` at `offset` into an external ArrayBuffer. */
  mmapFd(fd: number, offset: number, length: number, writable: boolean): ArrayBuffer | number;
  /** Locked anonymous memory (2 MiB hugepages when `hugepage`), for device DMA. */
  dmaAlloc(length: number, hugepage: boolean): NativeDmaBlock | number;
  /** Unmap a buffer from mmapFd/dmaAlloc; it is detached (length 0) from then on. */
  munmap(buffer: ArrayBuffer): number;
  /** Virtual address of the first byte of a buffer or view. */
  addressOf(buffer: ArrayBuffer | ArrayBufferView): bigint;
  ioctl(fd: number, request: number, arg?: number | ArrayBufferView | ArrayBuffer): number;
  /** A non-blocking, close-on-exec eventfd. */
  eventfd(initval: number): number;
  /** The counter (and reset it), or -EAGAIN when nothing is pending. */
  eventfdRead(fd: number): number;
}

export interface NativeDmaBlock {
  buffer: ArrayBuffer;
  address: bigint;
  hugepage: boolean;
}

const ADDON_FILE = 'nicdl_native.node';

/** Where the built addon may be: beside the sources (tsx, vitest) or from dist/runtime/. */
function candidates(): string[] {
  const fromEnv = process.env.NICDL_NATIVE_PATH;
  if (fromEnv) return [fromEnv];
  return [
    new URL(`./native/build/${ADDON_FILE}`, import.meta.url),
    new URL(`../../runtime/native/build/${ADDON_FILE}`, import.meta.url),
  ].map((u) => fileURLToPath(u));
}

type LoadResult = { addon: NativeAddon } | { reason: string };
let loaded: LoadResult | undefined;

function load(): LoadResult {
  if (process.platform !== 'linux')
    return { reason: `VFIO needs Linux (this is ${process.platform})` };
  const path = candidates().find((p) => existsSync(p));
  if (!path) {
    return {
      reason:
        'the native addon is not built (run `npm run build`; it needs a C compiler such as gcc)',
    };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (typeof addon.mmapFd !== 'function') return { reason: `${path} is not the nicdl addon` };
    return { addon };
  } catch (e) {
    return { reason: `loading ${path} failed: ${(e as Error).message}` };
  }
}

/** Whether the addon can be used, and if not, why (for `nicdl devices` and diagnostics). */
export function nativeStatus(): { available: boolean; reason?: string } {
  loaded ??= load();
  return 'addon' in loaded ? { available: true } : { available: false, reason: loaded.reason };
}

/** The addon, or NicdlError E_NO_NATIVE saying why real hardware is out of reach. */
export function native(): NativeAddon {
  loaded ??= load();
  if ('addon' in loaded) return loaded.addon;
  throw new NicdlError(
    'E_NO_NATIVE',
    `VFIO is unavailable: ${loaded.reason}`,
    ExitCode.unsupported,
  );
}

/** errno number → its name ("EBUSY"), for messages and error details. */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(osConstants.errno)) if (value === errno) return name;
  return `errno ${errno}`;
}

/** A failed native call: -errno, as returned by the addon. */
export function isErrno(result: unknown): result is number {
  return typeof result === 'number' && result < 0;
}
