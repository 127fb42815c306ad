/**
 * The hash an IR records of the sources it was built from (sha256, hex, of every source
 * text in load order, each followed by a NUL). Kept apart from the loader so checking a
 * precompiled IR against the files on disk does not load the parser.
 */
import { createHash } from 'node:crypto';

export function hashSources(texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(text).update('\0');
  return hash.digest('hex');
}
