/**
 * `--pci` refusals, against a fake sysfs tree: each is one line with its own exit code, and
 * a device no spec lists is refused before anything is written to sysfs (its kernel
 * driver keeps it).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Dump from '../../cli/commands/dump.js';
import Load from '../../cli/commands/load.js';
import Send from '../../cli/commands/send.js';
import { FakeTree } from '../runtime/helpers/fake-sysfs.js';
import { errorLine, runCli } from './helpers/run-cli.js';

let tree: FakeTree | undefined;
afterEach(() => tree?.remove());

function fakeHost(): string[] {
  tree = new FakeTree({
    devices: [
      {
        address: '0000:00:02.0',
        vendor: 0x8086,
        device: 0x100e,
        driver: 'e1000',
        iommuGroup: 2,
        netdevs: ['eth1'],
      },
      {
        address: '0000:00:03.0',
        vendor: 0x1af4,
        device: 0x1000,
        driver: 'virtio-pci',
        iommuGroup: 3,
      },
    ],
  });
  return [
    '--sysfs-root',
    tree.sysRoot,
    '--proc-root',
    tree.procRoot,
    '--dev-root',
    tree.devRoot,
    '--state-dir',
    tree.stateDir,
  ];
}

describe('--pci refusals', () => {
  it('a malformed address', async () => {
    const r = await runCli(Load, ['--pci', '00:2.0', ...fakeHost()]);
    expect(r.exitCode).toBe(1);
    expect(errorLine(r)).toBe(
      "nicdl: error E_BAD_ADDRESS: '00:2.0' is not a PCI address; expected DOMAIN:BUS:DEVICE.FUNCTION in hex, e.g. 0000:00:02.0",
    );
  });

  it('an address with no device', async () => {
    const r = await runCli(Send, ['--pci', '0000:00:09.0', ...fakeHost()]);
    expect(r.exitCode).toBe(3);
    expect(errorLine(r)).toBe(
      'nicdl: error E_NOT_FOUND: no PCI device 0000:00:09.0; present: 0000:00:02.0, 0000:00:03.0',
    );
  });

  it('a device whose ids no spec lists, left with its kernel driver', async () => {
    const argv = fakeHost();
    const r = await runCli(Dump, ['--pci', '0000:00:03.0', ...argv]);
    expect(r.exitCode).toBe(11);
    expect(errorLine(r)).toMatch(
      /^nicdl: error E_UNSUPPORTED_DEVICE: 0000:00:03\.0 is 1af4:1000, which no nicdl spec lists \(e1000: 8086:100e, 8086:100f[;)]/,
    );
    const dir = tree!.deviceDir('0000:00:03.0');
    expect(readlinkSync(join(dir, 'driver'))).toMatch(/virtio-pci$/);
    expect(readFileSync(join(dir, 'driver_override'), 'utf8').trim()).toBe('(null)');
  });

  it('--sim and --pci together', async () => {
    const r = await runCli(Load, ['--sim', '--pci', '0000:00:02.0']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(
      /--pci=0000:00:02.0 cannot also be provided when using --sim|cannot also be provided/,
    );
  });
});
