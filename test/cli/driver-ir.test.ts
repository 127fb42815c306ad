/**
 * The IR a driver's generated code carries (generated/ir.ts) stands in for compiling its
 * spec only when it is exactly what compiling gives, and never once a spec file changed.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DRIVERS } from '../../drivers/index.js';
import { loadIr } from '../../spec/index.js';
import { precompiledIr } from '../../spec/precompiled.js';

/** A copy of drivers/<name>/<spec> and drivers/common/ in a temporary tree. */
function copySpecs(specPath: string): string {
  const root = mkdtempSync(join(tmpdir(), 'nicdl-ir-'));
  const driverDir = join(root, 'drivers', 'x');
  mkdirSync(driverDir, { recursive: true });
  mkdirSync(join(root, 'drivers', 'common'));
  const common = join(specPath, '..', '..', 'common', 'intel-gbe.nicdl');
  copyFileSync(common, join(root, 'drivers', 'common', 'intel-gbe.nicdl'));
  const copy = join(driverDir, 'spec.nicdl');
  copyFileSync(specPath, copy);
  return copy;
}

describe.each(DRIVERS.map((d) => ({ name: d.name, entry: d })))(
  'precompiled IR of $name',
  ({ entry }) => {
    it('equals the IR compiled from the spec on disk (paths spelled as the spec is found)', async () => {
      expect(precompiledIr(await entry.irJson(), entry.specPath)).toEqual(loadIr(entry.specPath));
    });

    it('equals the compiled IR for a copy of the spec elsewhere', async () => {
      const copy = copySpecs(entry.specPath);
      expect(precompiledIr(await entry.irJson(), copy)).toEqual(loadIr(copy));
    });

    it('is refused once the spec or a file it imports changed', async () => {
      const copy = copySpecs(entry.specPath);
      writeFileSync(copy, `${readFileSync(copy, 'utf8')}\n// edited\n`);
      expect(precompiledIr(await entry.irJson(), copy)).toBeUndefined();
      const other = copySpecs(entry.specPath);
      const common = join(other, '..', '..', 'common', 'intel-gbe.nicdl');
      writeFileSync(common, `${readFileSync(common, 'utf8')}\n// edited\n`);
      expect(precompiledIr(await entry.irJson(), other)).toBeUndefined();
    });
  },
);
