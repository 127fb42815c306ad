/**
 * The device side of a ring under test: what plays the hardware while the suite drives a
 * generated ring class. Two kinds exist: the generic ring model (model-side.ts), which
 * plays any spec's rings from the IR, and a twin of a real device (e.g. the e1000 twin,
 * drivers/e1000/ring-check-side.ts), which knows the hardware from its datasheet and not
 * from the spec — so a spec mistake shows up there as it would on the device.
 *
 * A side reports what the device did as SideEvents, oldest first; the suite compares them
 * with its own model of the ring after every step.
 */
import type { Device as IrDevice, Ring } from '../../spec/ir.js';
import type { SimDevice } from '../sim/device.js';
import type { FetchedDescriptor } from '../sim/ring-device.js';

export type SideEvent =
  /** The device fetched a newly handed-over descriptor (sides that decode descriptors). */
  | { kind: 'fetched'; slot: number; descriptor: FetchedDescriptor }
  /** The device took a slot: read its buffer (TX) or wrote a frame's bytes into it (RX). */
  | {
      kind: 'consumed';
      slot: number;
      /** TX: the bytes the device read, when the side can see them. */
      txData?: Uint8Array;
      /** RX: what the device wrote into the buffer and writes back into the descriptor. */
      rx?: { length: number; eop: boolean; errors: number; data: Uint8Array };
    }
  /** The device is done with a slot and moved its head past it; the done bit is written unless `doneWritten` is false. */
  | { kind: 'completed'; slot: number; doneWritten: boolean }
  /** A done bit held back by a late completion was written. */
  | { kind: 'written-late'; slot: number }
  /** A received frame found too few slots (it needed `descriptors`) and was dropped. */
  | { kind: 'rx-dropped'; length: number; descriptors: number }
  /** A frame left the device (TX sides with a wire). */
  | { kind: 'frame-out'; bytes: Uint8Array };

/** A frame the suite asks an RX side to receive; the side chooses its bytes. */
export interface RxFrameRequest {
  length: number;
  /** Error bits to report with it (sides whose device lets the test choose them). */
  errors: number;
}

export interface SideCapabilities {
  /** Consuming is a separate step the suite commands (else the device acts on its own). */
  consume: boolean;
  /** Completing is a separate step (else the device writes back as it consumes). */
  complete: boolean;
  /** Late completions (head first, done bit later) can be injected. */
  late: boolean;
  /** TX frames leave on a wire the side reports (frame-out events), to compare byte for byte. */
  txWire: boolean;
  /** Smallest TX frame the device sends intact, in bytes (sum of its fragments). */
  txMinFrameBytes: number;
  /** Frame sizes the device accepts on receive, in bytes. */
  rxFrameBytes: { min: number; max: number };
  /** Received frames can carry error bits the test chooses. */
  rxErrors: boolean;
}

export interface DeviceSide {
  /** "model", "e1000-twin", ... (shown in reports and replay commands). */
  readonly kind: string;
  readonly device: SimDevice;
  readonly ring: Ring;
  readonly can: SideCapabilities;
  /** Whether the device has the ring enabled (software must not write its head then). */
  enabled(): boolean;
  /** Enables or disables the ring the way its device does (a register bit, or the model's switch). */
  setEnabled(on: boolean): void;
  /** The device's head, as it keeps it (not a software register read). */
  head(): number;
  /** TX: take up to `k` handed-over slots (sides with `can.consume`). */
  consume(k: number): void;
  /** RX: frames arrive; each lands in as many slots as it needs, or is dropped. */
  receive(frames: readonly RxFrameRequest[]): void;
  /** Write back up to `k` consumed slots, in order (sides with `can.complete`). */
  complete(k: number, late: boolean): void;
  /** Write the done bits late completions held back (sides with `can.late`). */
  writeLate(): void;
  /** What the device did since the last call, oldest first. */
  drain(): SideEvent[];
  close(): void;
}

/** How a side is opened for one run: a fresh device for the ring. */
export interface SideFactory {
  readonly kind: string;
  /** Whether this side can play `ring` of `ir` (a twin plays only its own device). */
  supports(ir: IrDevice, ring: Ring): boolean;
  /**
   * A fresh device for one run, with the ring's registers not yet programmed, and the
   * RX buffer size the run uses (a twin programs its buffer-size register from it).
   */
  open(ir: IrDevice, ring: Ring, config: { rxBufferBytes: number }): DeviceSide;
}
