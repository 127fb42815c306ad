/**
 * `nicdl devices`: the PCI devices of this machine, who drives them, their IOMMU group,
 * and which nicdl spec (drivers/NAME/NAME.nicdl, by PCI id) can drive them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import { pciOptions, pciRootFlags } from '../pci-flags.js';
import type { PciDeviceInfo } from '../../runtime/pci/index.js';
import { nativeStatus } from '../../runtime/native.js';

interface SpecIds {
  name: string;
  file: string;
  pci: Array<{ vendor: number; device: number; name?: string }>;
}

interface DeviceRow extends PciDeviceInfo {
  ids: string;
  spec?: { name: string; file: string; model?: string };
}

/** The language front end's loader; looked up at run time so this command works without it. */
const SPEC_MODULE = '../../spec/index.js';
type LoadIr = (path: string) => unknown;
type LoadSpec = (path: string) => { ir?: unknown; diagnostics: Array<{ severity: string }> };

export default class Devices extends NicdlCommand {
  static override summary = 'List PCI devices with driver, IOMMU group and matching nicdl spec';
  static override description =
    'By default shows network controllers, devices bound to vfio-pci and devices a spec matches; --all shows every PCI device.';
  static override examples = [
    '<%= config.bin %> devices',
    '<%= config.bin %> devices --all --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    all: Flags.boolean({ description: 'show every PCI device, not only NICs' }),
    'drivers-dir': Flags.string({
      hidden: true,
      description: 'where the driver specs are (default: the package drivers/)',
    }),
    ...pciRootFlags,
  };

  async run(): Promise<{
    devices: DeviceRow[];
    specsNote?: string;
    vfio: { available: boolean; reason?: string };
  }> {
    const { flags } = await this.parse(Devices);
    const { specs, note } = await loadSpecs(flags['drivers-dir'] ?? defaultDriversDir());
    const pci = await import('../../runtime/pci/index.js');
    const rows = pci
      .listPciDevices(pciOptions(flags))
      .map((d) => toRow(d, pci.pciIds(d), specs))
      .filter(
        (d) =>
          flags.all ||
          pci.isNetworkClass(d.classCode) ||
          d.spec ||
          d.driver === pci.VFIO_PCI_DRIVER,
      );
    const vfio = nativeStatus();
    this.printTable(rows);
    if (note) this.log(`note: ${note}`);
    if (!vfio.available) this.log(`note: VFIO unavailable: ${vfio.reason}`);
    return { devices: rows, ...(note ? { specsNote: note } : {}), vfio };
  }

  private printTable(rows: DeviceRow[]): void {
    if (!rows.length) {
      this.log('no matching PCI devices (use --all to list every device)');
      return;
    }
    const table = [
      ['ADDRESS', 'IDS', 'CLASS', 'DRIVER', 'GROUP', 'IFACE', 'SPEC'],
      ...rows.map((d) => [
        d.address,
        d.ids,
        d.className,
        d.driver ?? '-',
        d.iommuGroup === undefined ? '-' : String(d.iommuGroup),
        d.netdevs.join(',') || '-',
        d.spec ? `${d.spec.name}${d.spec.model ? ` (${d.spec.model})` : ''}` : '-',
      ]),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    for (const r of table)
      this.log(
        r
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
  }
}

function toRow(d: PciDeviceInfo, ids: string, specs: SpecIds[]): DeviceRow {
  for (const spec of specs) {
    const id = spec.pci.find((p) => p.vendor === d.vendor && p.device === d.device);
    if (id)
      return {
        ...d,
        ids,
        spec: { name: spec.name, file: spec.file, ...(id.name ? { model: id.name } : {}) },
      };
  }
  return { ...d, ids };
}

/** drivers/ of the package this file belongs to (source or dist layout). */
function defaultDriversDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'drivers')))
      return join(dir, 'drivers');
  }
  return join(process.cwd(), 'drivers');
}

/** Each drivers/NAME/*.nicdl, lowered to IR for its PCI ids; never fails the listing. */
async function loadSpecs(driversDir: string): Promise<{ specs: SpecIds[]; note?: string }> {
  let loadIr: LoadIr | undefined;
  let loadSpec: LoadSpec | undefined;
  try {
    ({ loadIr, loadSpec } = (await import(SPEC_MODULE)) as {
      loadIr?: LoadIr;
      loadSpec?: LoadSpec;
    });
  } catch {
    // the front end is not there (yet): list devices without specs
  }
  if (!loadIr) return { specs: [], note: 'spec matching unavailable (spec loader not built)' };
  const specs: SpecIds[] = [];
  const failed: string[] = [];
  const files = readdirSafe(driversDir).flatMap((d) =>
    readdirSafe(join(driversDir, d))
      .filter((f) => f.endsWith('.nicdl'))
      .map((f) => join(driversDir, d, f)),
  );
  for (const file of files) {
    if (loadSpec && isLibrary(loadSpec(file))) continue;
    try {
      const loaded = (await loadIr(file)) as {
        name?: string;
        pci?: SpecIds['pci'];
        ir?: { name: string; pci: SpecIds['pci'] };
      };
      const ir = loaded.pci ? loaded : loaded.ir;
      if (ir?.pci && ir.name)
        specs.push({ name: ir.name, file: relative(process.cwd(), file) || file, pci: ir.pci });
      else failed.push(file);
    } catch {
      failed.push(file);
    }
  }
  return {
    specs,
    ...(failed.length
      ? {
          note: `specs with errors were skipped: ${failed.map((f) => relative(process.cwd(), f)).join(', ')}`,
        }
      : {}),
  };
}

/**
 * A library file (no device block, e.g. drivers/common/intel-gbe.nicdl, imported by the
 * device specs) describes no device: it checks without errors yet lowers to no IR.
 */
function isLibrary(result: ReturnType<LoadSpec>): boolean {
  return result.ir === undefined && !result.diagnostics.some((d) => d.severity === 'error');
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
