/**
 * The names `nicdl generate` offers as flag choices and defaults. Kept apart from the
 * generators themselves so the CLI can declare its flags without loading them (start-up).
 */
export { DEFAULT_RUNTIME_IMPORT } from './ts/module.js';

export const TARGETS = ['ts', 'c-header', 'json'] as const;
export type Target = (typeof TARGETS)[number];
