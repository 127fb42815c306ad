/**
 * The native addon against real kernel objects that need no root: a temp file mapped as
 * a stand-in BAR, anonymous locked DMA memory, eventfds, and ioctl errno reporting.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { native, nativeStatus } from '../../runtime/native.js';
import { BarMmio } from '../../runtime/vfio/mmio.js';

const { EINVAL, ENOTTY, EAGAIN } = osConstants.errno;
const status = nativeStatus();
const BAR_BYTES = 128 * 1024; // the e1000's BAR0 size

describe.skipIf(!status.available)(`native addon ${status.reason ?? ''}`, () => {
  let dir: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nicdl-bar-'));
    const file = join(dir, 'bar0');
    writeFileSync(file, Buffer.alloc(BAR_BYTES));
    fd = openSync(file, 'r+');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  function mapBar(): { mmio: BarMmio; buffer: ArrayBuffer } {
    const buffer = native().mmapFd(fd, 0, BAR_BYTES, true);
    if (typeof buffer === 'number') throw new Error(`mmap failed: ${buffer}`);
    return { mmio: new BarMmio(buffer, 'BAR0 of test'), buffer };
  }

  it('maps a file as a BAR: 32-bit writes reach the file, reads see the file', () => {
    const { mmio } = mapBar();
    expect(mmio.size).toBe(BAR_BYTES);
    mmio.write32(0x5400, 0x12005452);
    mmio.write32(0x1fffc, 0xdeadbeef);
    const file = readFileSync(join(dir, 'bar0'));
    expect(file.readUInt32LE(0x5400)).toBe(0x12005452);
    expect(file.readUInt32LE(0x1fffc)).toBe(0xdeadbeef);
    // A write through the file (another mapping of the same pages) is visible to read32.
    const b = Buffer.alloc(4);
    b.writeUInt32LE(0x5634, 0);
    writeSync(fd, b, 0, 4, 0x5404);
    expect(mmio.read32(0x5404)).toBe(0x5634);
    mmio.unmap();
  });

  it('after unmap every access throws a typed error, and the process lives on', () => {
    const { mmio, buffer } = mapBar();
    mmio.write32(8, 1);
    mmio.unmap();
    expect(buffer.byteLength).toBe(0);
    expect(mmio.unmapped).toBe(true);
    expect(() => mmio.read32(8)).toThrowError(
      expect.objectContaining({
        code: 'E_UNMAPPED',
        message: expect.stringContaining('BAR0 of test'),
      }),
    );
    expect(() => mmio.write32(8, 2)).toThrowError(expect.objectContaining({ code: 'E_UNMAPPED' }));
    // No new view can be made on it either: JS throws, it never reaches stale pages.
    expect(() => new Uint32Array(buffer)).toThrowError(TypeError);
    mmio.unmap(); // idempotent
    expect(native().munmap(buffer)).toBe(-EINVAL);
  });

  it('rejects misaligned and out-of-range offsets without touching the BAR', () => {
    const { mmio } = mapBar();
    expect(() => mmio.read32(2)).toThrowError(expect.objectContaining({ code: 'E_MMIO_ALIGN' }));
    expect(() => mmio.write32(BAR_BYTES, 1)).toThrowError(
      expect.objectContaining({ code: 'E_MMIO_RANGE' }),
    );
    expect(() => mmio.read32(-4)).toThrowError(expect.objectContaining({ code: 'E_MMIO_RANGE' }));
    expect(readFileSync(join(dir, 'bar0')).every((b) => b === 0)).toBe(true);
    mmio.unmap();
  });

  it('allocates locked anonymous DMA memory with its virtual address', () => {
    const size = 2 * 1024 * 1024;
    const block = native().dmaAlloc(size, false);
    if (typeof block === 'number') throw new Error(`dmaAlloc failed: ${block}`);
    expect(block.buffer.byteLength).toBe(size);
    expect(block.hugepage).toBe(false);
    expect(block.address).toBe(native().addressOf(block.buffer));
    expect(native().addressOf(new Uint8Array(block.buffer, 4096))).toBe(block.address + 4096n);
    const u8 = new Uint8Array(block.buffer);
    expect(u8.every((b) => b === 0)).toBe(true);
    u8[size - 1] = 0xab;
    expect(u8[size - 1]).toBe(0xab);
    expect(native().munmap(block.buffer)).toBe(0);
    expect(u8.length).toBe(0);
  });

  it('returns -errno from ioctl instead of throwing', () => {
    // VFIO_GET_API_VERSION on a regular file: the kernel says "not a tty" (wrong device).
    expect(native().ioctl(fd, 0x3b64)).toBe(-ENOTTY);
    expect(native().ioctl(fd, 0x3b68, Buffer.alloc(4))).toBe(-ENOTTY);
  });

  it('unmaps a buffer that JS drops, when the GC collects it', () => {
    const addonPath = join(import.meta.dirname, '../../runtime/native/build/nicdl_native.node');
    const script = join(import.meta.dirname, 'fixtures/gc-unmaps.mjs');
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', script, addonPath, join(dir, 'gc-file')],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: 50, after: 0 });
  });

  it('creates a non-blocking eventfd and reads its counter', () => {
    const efd = native().eventfd(0);
    expect(efd).toBeGreaterThan(2);
    expect(native().eventfdRead(efd)).toBe(-EAGAIN);
    const one = Buffer.alloc(8);
    one.writeBigUInt64LE(3n, 0);
    writeSync(efd, one);
    writeSync(efd, one);
    expect(native().eventfdRead(efd)).toBe(6);
    expect(native().eventfdRead(efd)).toBe(-EAGAIN);
    closeSync(efd);
  });
});

describe('without the addon', () => {
  it('says why VFIO is unavailable, with its own error code, and nothing else breaks', () => {
    const probe = [
      "const { native, nativeStatus } = await import('./runtime/native.ts');",
      "const { listPciDevices } = await import('./runtime/pci/index.ts');",
      'let err; try { native(); } catch (e) { err = { code: e.code, exitCode: e.exitCode, message: e.message }; }',
      'console.log(JSON.stringify({ status: nativeStatus(), err, listed: Array.isArray(listPciDevices()) }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, NICDL_NATIVE_PATH: '/nonexistent/nicdl_native.node' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.status.available).toBe(false);
    expect(out.err).toMatchObject({
      code: 'E_NO_NATIVE',
      exitCode: 11,
      message: expect.stringMatching(/VFIO is unavailable: .*npm run build.*C compiler/),
    });
    expect(out.listed).toBe(true);
  });
});
