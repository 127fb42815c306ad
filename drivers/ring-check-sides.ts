/**
 * The device twins `nicdl test` can run a spec's rings against, besides the generic ring
 * model: each says which specs it plays (by PCI id). Add a line when a driver package
 * gains a twin side (drivers/<nic>/ring-check-side.ts).
 */
import type { SideFactory } from '../runtime/ring-check/device-side.js';
import { E1000_TWIN_SIDE } from './e1000/ring-check-side.js';

export const TWIN_SIDES: readonly SideFactory[] = [E1000_TWIN_SIDE];
