/**
 * Where a driver's .nicdl spec is on disk: next to the driver's sources (drivers/<name>/),
 * also when the code runs compiled from dist/drivers/ (specs are not copied to dist/).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of drivers/<driver>/<file>. */
export function driverSpecPath(driver: string, file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, driver, file);
    if (existsSync(candidate)) return candidate;
    const inPackage = join(dir, 'drivers', driver, file);
    if (existsSync(inPackage)) return inPackage;
    const up = dirname(dir);
    if (up === dir) return join(dirname(fileURLToPath(import.meta.url)), driver, file);
    dir = up;
  }
}
