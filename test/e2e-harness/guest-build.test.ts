// The guest-building parts of the QEMU harness (test/e2e/guest), checked without QEMU.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CpioWriter } from '../e2e/guest/cpio.mjs';
import { bzImagePayload, compareKernelVersions, decompressPayload } from '../e2e/guest/kernel.mjs';
import {
  moduleName,
  modulesDepSubset,
  parseModulesDep,
  resolveModules,
} from '../e2e/guest/modules.mjs';
import { parseLdd } from '../e2e/guest/hostnode.mjs';

/** An independent newc reader: 110-byte ASCII header, name, data, 4-byte alignment. */
function readNewc(buf: Buffer) {
  const entries: Array<{ name: string; mode: number; data: Buffer; rdev: [number, number] }> = [];
  let off = 0;
  const align = (n: number) => (n + 3) & ~3;
  for (;;) {
    expect(buf.toString('latin1', off, off + 6)).toBe('070701');
    const field = (i: number) =>
      parseInt(buf.toString('latin1', off + 6 + i * 8, off + 14 + i * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = buf.toString('latin1', off + 110, off + 110 + nameSize - 1);
    const dataStart = align(off + 110 + nameSize);
    if (name === 'TRAILER!!!') return entries;
    entries.push({
      name,
      mode: field(1),
      data: buf.subarray(dataStart, dataStart + size),
      rdev: [field(9), field(10)],
    });
    off = align(dataStart + size);
  }
}

describe('CpioWriter (newc)', () => {
  const build = () =>
    new CpioWriter()
      .dirs('etc/e2e')
      .file('etc/e2e/boot.sh', '#!/bin/sh\necho odd-length\n', 0o755)
      .symlink('init', 'bin/busybox')
      .charDevice('dev/console', 5, 1)
      .toBuffer();

  it('writes entries the kernel format describes, in order, 4-byte aligned', () => {
    const entries = readNewc(build());
    expect(entries.map((e) => e.name)).toEqual([
      'etc',
      'etc/e2e',
      'etc/e2e/boot.sh',
      'init',
      'dev/console',
    ]);
    const script = entries[2];
    expect(script.mode).toBe(0o100755);
    expect(script.data.toString()).toBe('#!/bin/sh\necho odd-length\n');
    expect(entries[3].mode).toBe(0o120777);
    expect(entries[3].data.toString()).toBe('bin/busybox');
    expect(entries[4].mode & 0o170000).toBe(0o020000);
    expect(entries[4].rdev).toEqual([5, 1]);
  });

  it('is read back by GNU cpio when it is installed', () => {
    const probe = spawnSync('cpio', ['--version']);
    if (probe.error) return; // cpio comes with the e2e packages (.ci/run), not with npm test
    const dir = mkdtempSync(join(tmpdir(), 'cpio-test-'));
    const file = join(dir, 'a.cpio');
    writeFileSync(file, build());
    const r = spawnSync('cpio', ['-it', '-F', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'etc',
      'etc/e2e',
      'etc/e2e/boot.sh',
      'init',
      'dev/console',
    ]);
  });

  it('refuses a duplicate path', () => {
    expect(() => new CpioWriter().file('a', 'x').file('a', 'y')).toThrow(/duplicate/);
  });
});

describe('module resolution from modules.dep', () => {
  const dep = parseModulesDep(
    [
      'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko',
      'kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko',
      'kernel/fs/netfs/netfs.ko:',
      'kernel/net/9p/9pnet.ko:',
      'kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko',
      'kernel/drivers/vfio/vfio.ko:',
      'kernel/x/a.ko: kernel/x/b.ko',
      'kernel/x/b.ko: kernel/x/a.ko',
      'kernel/x/c.ko: kernel/x/missing.ko',
    ].join('\n'),
  );

  it('orders every dependency before its user, each module once', () => {
    const order = resolveModules(dep, ['9p', 'fscache']);
    expect(order.map(moduleName)).toEqual(['9pnet', 'netfs', 'fscache', '9p']);
  });

  it('treats - and _ alike, as modprobe does', () => {
    expect(resolveModules(dep, ['vfio_pci']).map(moduleName)).toEqual(['vfio', 'vfio_pci']);
  });

  it('fails the build on an unknown module, a cycle or a dangling dependency', () => {
    expect(() => resolveModules(dep, ['nope'])).toThrow(/no module nope/);
    expect(() => resolveModules(dep, ['a'])).toThrow(/cycle/);
    expect(() => resolveModules(dep, ['c'])).toThrow(/missing\.ko/);
  });

  it('writes a modules.dep with only the chosen modules', () => {
    const text = modulesDepSubset(dep, resolveModules(dep, ['vfio-pci']));
    expect(text).toBe(
      'kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko\nkernel/drivers/vfio/vfio.ko:\n',
    );
  });
});

describe('kernel image', () => {
  it('orders Debian kernel versions numerically', () => {
    const versions = ['6.1.0-9-amd64', '6.1.0-56-amd64', '5.10.0-30-amd64', '6.10.0-1-amd64'];
    expect(versions.sort(compareKernelVersions)).toEqual([
      '5.10.0-30-amd64',
      '6.1.0-9-amd64',
      '6.1.0-56-amd64',
      '6.10.0-1-amd64',
    ]);
  });

  it('finds and unpacks the payload through the boot protocol header', () => {
    const kernel = Buffer.from('\x7fELF pretend kernel');
    const sizeTrailer = Buffer.alloc(4);
    sizeTrailer.writeUInt32LE(kernel.length);
    const payload = Buffer.concat([gzipSync(kernel), sizeTrailer]);
    const setupSects = 3;
    const payloadOffset = 100;
    const bz = Buffer.alloc((setupSects + 1) * 512 + payloadOffset + payload.length);
    bz[0x1f1] = setupSects;
    bz.write('HdrS', 0x202, 'latin1');
    bz.writeUInt16LE(0x020f, 0x206);
    bz.writeUInt32LE(payloadOffset, 0x248);
    bz.writeUInt32LE(payload.length, 0x24c);
    payload.copy(bz, (setupSects + 1) * 512 + payloadOffset);
    const found = bzImagePayload(bz);
    expect(found.expectedBytes).toBe(kernel.length);
    expect(decompressPayload(found.payload)).toEqual(kernel);
  });

  it('rejects a file that is not a bzImage', () => {
    expect(() => bzImagePayload(Buffer.alloc(4096))).toThrow(/not a bzImage/);
  });
});

describe('host node staging', () => {
  it('takes every library path from ldd output, loader included, vDSO excluded', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f)',
    ].join('\n');
    expect(parseLdd(out)).toEqual([
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('refuses a binary whose library is missing', () => {
    expect(() => parseLdd('\tlibfoo.so.1 => not found\n')).toThrow(/not found/);
  });
});
