/**
 * File descriptors of VFIO nodes: open with errno-aware errors, ioctl that throws the
 * typed error on failure, close that never throws (used on the way out).
 */
import { closeSync, openSync } from 'node:fs';
import { native } from '../native.js';
import { ioctlError, openError } from './errors.js';

export function openNode(path: string, address: string): number {
  try {
    return openSync(path, 'r+');
  } catch (e) {
    throw openError(path, -((e as NodeJS.ErrnoException).errno ?? 0), address);
  }
}

/** ioctl returning its non-negative result, or throwing the typed error named `what`. */
export function ioctlChecked(
  fd: number,
  request: number,
  arg: number | Buffer | undefined,
  what: string,
  address: string,
): number {
  const r = native().ioctl(fd, request, arg);
  if (r < 0) throw ioctlError(what, -r, address);
  return r;
}

export function closeQuietly(fd: number | undefined): void {
  if (fd === undefined || fd < 0) return;
  try {
    closeSync(fd);
  } catch {
    // already closed, or the device is gone: nothing left to release
  }
}
