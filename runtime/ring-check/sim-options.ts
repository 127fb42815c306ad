/**
 * How every device side opens its twin for the suite: an event log (small: the suite
 * reads events live, as they happen), CPU-write tracking (to see software store into
 * memory the device owns), and records kept in full so every fault can be accounted for.
 */
import type { SimDeviceOptions } from '../sim/device.js';

/** Events kept for a failure's context; the checks themselves subscribe live. */
const LOG_CAPACITY = 512;
/** Faults and violations kept per run (a run makes a few hundred accesses at most). */
const KEEP_RECORDS = 100_000;

export function simOptions(): SimDeviceOptions {
  return {
    log: { capacity: LOG_CAPACITY, dmaDataBytes: 0 },
    trackCpuWrites: true,
    keepRecords: KEEP_RECORDS,
  };
}
