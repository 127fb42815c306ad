/**
 * Interrupt moderation (8254x SDM §13.4.18 ITR, §13.4.30 RDTR, §13.4.31 RADV, §13.4.41
 * TIDV, §13.4.44 TADV; application note in §3.2.7 and §3.4.1). Profiles are explicit
 * microseconds, converted to each register's unit (ITR 256 ns, the four delay timers
 * 1.024 µs) and checked against the field width from the spec.
 *
 * - off:        no moderation: an interrupt per event (TIDV at its minimum, 1 unit).
 * - latency:    ITR caps the rate at 50 000/s; receive interrupts are not delayed.
 * - throughput: ITR caps the rate at 8 000/s; RX waits up to 32 µs for more frames
 *               (128 µs at most), TX completions up to 64 µs (256 µs at most).
 * - custom:     the caller's microseconds (absent ones 0).
 */
import type { CoalescingProfile } from '../../runtime/nic.js';
import { ITR, RADV, RDTR, TADV, TIDV, type Registers } from './generated/index.js';
import { DELAY_UNIT_NS, ITR_UNIT_NS, TIDV_MIN_UNITS } from './datasheet.js';
import { configError } from './errors.js';

/** Delays in microseconds, one per register. */
export interface CoalescingUs {
  intervalUs: number;
  rxDelayUs: number;
  rxAbsoluteUs: number;
  txDelayUs: number;
  txAbsoluteUs: number;
}

/** Register values, in each register's own unit. */
export interface CoalescingRegisters {
  ITR: number;
  RDTR: number;
  RADV: number;
  TIDV: number;
  TADV: number;
}

const NS_PER_US = 1000;

export const COALESCING_PROFILES: Readonly<Record<'off' | 'latency' | 'throughput', CoalescingUs>> =
  {
    off: { intervalUs: 0, rxDelayUs: 0, rxAbsoluteUs: 0, txDelayUs: 0, txAbsoluteUs: 0 },
    latency: { intervalUs: 20, rxDelayUs: 0, rxAbsoluteUs: 0, txDelayUs: 8, txAbsoluteUs: 32 },
    throughput: {
      intervalUs: 125,
      rxDelayUs: 32,
      rxAbsoluteUs: 128,
      txDelayUs: 64,
      txAbsoluteUs: 256,
    },
  };

/** The microseconds a profile stands for. */
export function profileMicroseconds(p: CoalescingProfile): CoalescingUs {
  if (p.profile !== 'custom') {
    const known = COALESCING_PROFILES[p.profile];
    if (!known)
      throw configError(
        'E_COALESCING',
        `unknown coalescing profile '${p.profile as string}' (latency, throughput, off, custom)`,
        { profile: p.profile },
      );
    return known;
  }
  return {
    intervalUs: p.intervalUs ?? 0,
    rxDelayUs: p.rxDelayUs ?? 0,
    rxAbsoluteUs: p.rxAbsoluteUs ?? 0,
    txDelayUs: p.txDelayUs ?? 0,
    txAbsoluteUs: p.txAbsoluteUs ?? 0,
  };
}

/** Register values for a profile; E_COALESCING when a delay does not fit its field. */
export function coalescingRegisters(p: CoalescingProfile): CoalescingRegisters {
  const us = profileMicroseconds(p);
  return {
    ITR: toUnits('ITR.INTERVAL', us.intervalUs, ITR_UNIT_NS, fieldMax(ITR.INTERVAL)),
    RDTR: toUnits('RDTR.DELAY', us.rxDelayUs, DELAY_UNIT_NS, fieldMax(RDTR.DELAY)),
    RADV: toUnits('RADV.DELAY', us.rxAbsoluteUs, DELAY_UNIT_NS, fieldMax(RADV.DELAY)),
    // §13.4.41: TIDV = 0 is not allowed.
    TIDV: Math.max(
      TIDV_MIN_UNITS,
      toUnits('TIDV.DELAY', us.txDelayUs, DELAY_UNIT_NS, fieldMax(TIDV.DELAY)),
    ),
    TADV: toUnits('TADV.DELAY', us.txAbsoluteUs, DELAY_UNIT_NS, fieldMax(TADV.DELAY)),
  };
}

/** Program the five moderation registers (§13.4.18, .30, .31, .41, .44). */
export function writeCoalescing(regs: Registers, p: CoalescingProfile): CoalescingRegisters {
  const v = coalescingRegisters(p);
  regs.ITR.writeFields((w) => w.INTERVAL(v.ITR));
  regs.RDTR.writeFields((w) => w.DELAY(v.RDTR));
  regs.RADV.writeFields((w) => w.DELAY(v.RADV));
  regs.TIDV.writeFields((w) => w.DELAY(v.TIDV));
  regs.TADV.writeFields((w) => w.DELAY(v.TADV));
  return v;
}

function fieldMax(field: { mask: number; lsb: number }): number {
  return field.mask >>> field.lsb;
}

/** Microseconds to register units (rounded to nearest), checked against the field's range. */
function toUnits(field: string, us: number, unitNs: number, max: number): number {
  if (!Number.isFinite(us) || us < 0) {
    throw configError(
      'E_COALESCING',
      `${field}: ${us} µs is not a delay (a number of microseconds >= 0)`,
      { field, us },
    );
  }
  const units = Math.round((us * NS_PER_US) / unitNs);
  if (units > max) {
    const mostUs = Math.floor((max * unitNs) / NS_PER_US);
    throw configError(
      'E_COALESCING',
      `${field}: ${us} µs is more than the register holds (${mostUs} µs in ${unitNs} ns units)`,
      {
        field,
        us,
        maxUs: mostUs,
      },
    );
  }
  return units;
}
