/**
 * Golden diagnostics: each spec in fixtures/bad/ is checked and its rendered diagnostics
 * compared with the .expected file beside it (NICDL_UPDATE_GOLDEN=1 rewrites them; review
 * the diff). Every code of the catalog must be the subject of at least one fixture.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../dsl/diagnostics.js';
import { loadSpec, renderDiagnostics } from '../../spec/index.js';

const DIR = 'test/lang/fixtures/bad';
const UPDATE = process.env.NICDL_UPDATE_GOLDEN === '1';
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.nicdl'))
  .sort();

/** `101-duplicate-names.nicdl` is about NDL101. */
const subject = (file: string) => `NDL${file.slice(0, 3)}`;

describe('golden diagnostics of malformed specs', () => {
  it('has at least 30 fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  for (const file of fixtures) {
    it(file, () => {
      const path = join(DIR, file);
      const result = loadSpec(path);
      const rendered = `${renderDiagnostics(result.diagnostics, result.sources)}\n`;
      const golden = path.replace(/\.nicdl$/, '.expected');
      if (UPDATE || !existsSync(golden)) writeFileSync(golden, rendered);
      expect(rendered).toBe(readFileSync(golden, 'utf8'));
      // The fixture reports the code it is named after, and never produces an IR with errors.
      expect(result.diagnostics.map((d) => d.code)).toContain(subject(file));
      if (result.diagnostics.some((d) => d.severity === 'error')) expect(result.ir).toBeUndefined();
    });
  }

  it('covers every code of the catalog', () => {
    const covered = new Set(fixtures.map(subject));
    const missing = Object.keys(CATALOG).filter((code) => !covered.has(code));
    expect(missing).toEqual([]);
  });
});

describe('the catalog', () => {
  it('numbers codes by phase: 0xx syntax, 1xx names, 2xx layout, 3xx access, 4xx rings, 5xx sequences', () => {
    for (const code of Object.keys(CATALOG)) expect(code).toMatch(/^NDL[0-5]\d\d$/);
  });

  it('gives every entry a severity and a template', () => {
    for (const [code, entry] of Object.entries(CATALOG)) {
      expect(['error', 'warning'], code).toContain(entry.severity);
      expect(entry.template.length, code).toBeGreaterThan(10);
    }
  });
});
