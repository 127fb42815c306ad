/**
 * The generic device side: the twin with the IR-driven ring model (runtime/sim/ring-device.ts)
 * as its plugin. It plays any spec's rings from their declarations, with every step under
 * the suite's control: consume, complete, complete late, write late.
 */
import type { Device as IrDevice, Ring } from '../../spec/ir.js';
import { openSimDevice } from '../sim/device.js';
import { RingModelPlugin, type RingDeviceEvent } from '../sim/ring-device.js';
import type { DeviceSide, RxFrameRequest, SideEvent, SideFactory } from './device-side.js';
import { simOptions } from './sim-options.js';

/** The model spreads a frame over up to this many buffers (enough to exercise end-of-packet). */
const MAX_RX_DESCRIPTORS_PER_FRAME = 3;

export const MODEL_SIDE: SideFactory = {
  kind: 'model',
  supports: () => true,
  open(ir: IrDevice, ring: Ring, config: { rxBufferBytes: number }): DeviceSide {
    const plugin = new RingModelPlugin();
    const device = openSimDevice(ir, plugin, simOptions());
    device.enableBusMaster();
    plugin.setRxBufferBytes(ring.name, config.rxBufferBytes);
    let enabled = false;
    return {
      kind: 'model',
      device,
      ring,
      can: {
        consume: true,
        complete: true,
        late: true,
        txWire: false,
        txMinFrameBytes: 1,
        rxFrameBytes: { min: 1, max: MAX_RX_DESCRIPTORS_PER_FRAME * config.rxBufferBytes },
        rxErrors: ring.errorsField !== undefined,
      },
      enabled: () => enabled,
      setEnabled(on) {
        enabled = on;
        if (on) plugin.enable(ring.name);
        else plugin.disable(ring.name);
      },
      head: () => plugin.head(ring.name),
      consume: (k) => void plugin.consume(ring.name, k),
      receive(frames: readonly RxFrameRequest[]) {
        for (const f of frames)
          plugin.receiveInto(ring.name, {
            length: f.length,
            errors: ring.errorsField ? f.errors : 0,
          });
      },
      complete: (k, late) => void plugin.complete(ring.name, k, late),
      writeLate: () => void plugin.writeLate(ring.name),
      drain: () => plugin.drain().map(toSideEvent),
      close: () => void device.close(),
    };
  },
};

function toSideEvent(e: RingDeviceEvent): SideEvent {
  switch (e.kind) {
    case 'fetched':
      return { kind: 'fetched', slot: e.slot, descriptor: e.descriptor };
    case 'consumed':
      return {
        kind: 'consumed',
        slot: e.slot,
        ...(e.txData ? { txData: e.txData } : {}),
        ...(e.rx ? { rx: e.rx } : {}),
      };
    case 'completed':
      return { kind: 'completed', slot: e.slot, doneWritten: e.doneWritten };
    case 'written-late':
      return { kind: 'written-late', slot: e.slot };
    case 'rx-dropped':
      return { kind: 'rx-dropped', length: e.length, descriptors: e.descriptors };
  }
}
