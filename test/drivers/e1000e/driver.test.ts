/**
 * The e1000e driver on its twin: bring-up touching only what the spec declares, per-queue
 * delivery, RSS spreading flows over both queues as an independent Toeplitz hash says,
 * transmit from both queues, one-queue configuration, interrupt-driven waits, MSI-X
 * routing, and the per-queue statistics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RETA, VECTOR_RXQ0, VECTOR_RXQ1 } from '../../../drivers/e1000e/generated/index.js';
import { DEFAULT_RSS_KEY } from '../../../drivers/e1000e/rss.js';
import { toeplitzHash } from '../../../drivers/e1000e/twin/index.js';
import { NicdlError } from '../../../spec/errors.js';
import { drain, flow, openNic, tcpFrame, TWIN_MAC, type Flow, type Opened } from './helpers.js';

const KEY = Uint8Array.from(DEFAULT_RSS_KEY);
const RETA_BASE = 0x5c00;
const RETA_QUEUE_BITS = 0x8080_8080;

/** The queue RSS must choose for `f` with the driver's table (entries alternate 0, 1). */
function expectedQueue(f: Flow): number {
  const input = Uint8Array.from([
    ...f.src,
    ...f.dst,
    f.srcPort >> 8,
    f.srcPort & 0xff,
    f.dstPort >> 8,
    f.dstPort & 0xff,
  ]);
  return toeplitzHash(KEY, input, 12) & 1;
}

/** Point every redirection entry at `queue`, behind the driver's back. */
function routeAllTo(o: Opened, queue: 0 | 1): void {
  for (let i = 0; i < RETA.count; i++)
    o.device.bar(0).write32(RETA_BASE + 4 * i, queue ? RETA_QUEUE_BITS : 0);
}

let open: Opened | undefined;
afterEach(async () => {
  await open?.nic.close();
  open = undefined;
});

async function start(...args: Parameters<typeof openNic>): Promise<Opened> {
  open = await openNic(...args);
  return open;
}

describe('e1000e driver on the twin', () => {
  it('comes up with two queues, the NVM address and the link, touching only registers the spec declares', async () => {
    const o = await start({}, {}, { log: false });
    expect([o.nic.name, o.nic.mac, o.nic.config.queues, o.nic.facts.macSource]).toEqual([
      'e1000e',
      TWIN_MAC,
      2,
      'eeprom',
    ]);
    expect(o.nic.link()).toEqual({ up: true, speedMbps: 1000, fullDuplex: true });
    expect(o.nic.facts.warnings).toEqual([]);
    o.device.receive(tcpFrame(flow(1)));
    o.nic.transmit([tcpFrame(flow(2))], undefined, 1);
    drain(o.nic);
    expect(o.device.unknownAccesses.items).toEqual([]);
    expect(o.device.violations.items).toEqual([]);
    expect(o.device.faults.items).toEqual([]);
  });

  it('delivers each frame on the queue the redirection table names, and says so in meta.queue', async () => {
    const o = await start();
    for (const queue of [1, 0] as const) {
      routeAllTo(o, queue);
      for (let i = 0; i < 5; i++)
        expect(o.device.receive(tcpFrame(flow(i), 18, i))).toBe('delivered');
      expect(drain(o.nic, 1 - queue)).toEqual([]);
      const got = drain(o.nic, queue);
      expect(got.map((g) => g.queue)).toEqual([queue, queue, queue, queue, queue]);
      expect(got.map((g) => g.frame[19])).toEqual([0, 1, 2, 3, 4]); // IP identification low byte = seq
    }
  });

  it('spreads 32 flows over both queues, each flow on the queue an independent Toeplitz hash picks', async () => {
    const o = await start();
    const flows = Array.from({ length: 32 }, (_, i) => flow(i));
    for (const f of flows) o.device.receive(tcpFrame(f));
    const got = drain(o.nic);
    expect(got).toHaveLength(flows.length);
    const bySourcePort = new Map(got.map((g) => [(g.frame[34] << 8) | g.frame[35], g]));
    for (const f of flows) {
      const g = bySourcePort.get(f.srcPort)!;
      expect(g.queue, `flow from port ${f.srcPort}`).toBe(expectedQueue(f));
      expect([g.ip, g.l4]).toEqual(['ok', 'ok']);
    }
    const perQueue = [0, 1].map((q) => got.filter((g) => g.queue === q).length);
    expect(
      perQueue.every((n) => n > 0),
      `per queue ${perQueue}`,
    ).toBe(true);
    const stats = o.nic.statistics().driver;
    expect([stats.q0_rx_packets, stats.q1_rx_packets, stats.rx_packets]).toEqual([...perQueue, 32]);
  });

  it('transmits from both queues: every frame reaches the wire intact and completes on its queue', async () => {
    const o = await start();
    const sent = [0, 1].map((q) =>
      Array.from({ length: 10 }, (_, i) => tcpFrame(flow(i), 100 + 10 * q, 100 * q + i)),
    );
    expect(o.nic.transmit(sent[0], undefined, 0)).toBe(10);
    expect(o.nic.transmit(sent[1], undefined, 1)).toBe(10);
    const wire = o.device.wire.take().map((f) => Array.from(f));
    expect(wire).toHaveLength(20);
    for (const f of [...sent[0], ...sent[1]]) expect(wire).toContainEqual(Array.from(f));
    expect([o.nic.reclaim(0), o.nic.reclaim(1)]).toEqual([10, 10]);
    expect(o.twin.diagnostics().framesSent).toEqual([10, 10]);
    const s = o.nic.statistics();
    expect([s.driver.q0_tx_packets, s.driver.q1_tx_packets, s.driver.tx_packets]).toEqual([
      10, 10, 20,
    ]);
    expect(s.rings.map((r) => r.name)).toEqual(['tx0', 'rx0', 'tx1', 'rx1']);
    expect(s.hardware.GPTC).toBe(20n);
  });

  it('sends in place from each queue’s TX buffers (txBuffers(q)), each frame intact', async () => {
    const o = await start();
    const sent: Uint8Array[] = [];
    for (const q of [0, 1]) {
      const tx = o.nic.txBuffers(q);
      expect(o.nic.txBuffers(q)).toBe(tx);
      for (let i = 0; i < 5; i++) {
        const f = tcpFrame(flow(i), 60 + i, 10 * q + i);
        const id = tx.alloc();
        tx.bytes(id).set(f);
        expect(tx.send(id, f.length)).toBe(true);
        sent.push(f);
      }
      o.nic.flushTransmit(q);
    }
    const wire = o.device.wire.take().map((f) => Array.from(f));
    expect(wire).toEqual(sent.map((f) => Array.from(f)));
    expect([o.nic.reclaim(0), o.nic.reclaim(1)]).toEqual([5, 5]);
  });

  it('runs one queue when asked: every flow on queue 0, queue 1 refused with E_QUEUE', async () => {
    const o = await start({ queues: 1 });
    for (let i = 0; i < 8; i++) o.device.receive(tcpFrame(flow(i)));
    expect(drain(o.nic).map((g) => g.queue)).toEqual(new Array(8).fill(0));
    expect(() => o.nic.transmit([tcpFrame(flow(0))], undefined, 1)).toThrow(
      expect.objectContaining({ code: 'E_QUEUE' }),
    );
  });

  it('refuses a queue count the 82574L does not have', async () => {
    await expect(openNic({ queues: 3 })).rejects.toBeInstanceOf(NicdlError);
    await expect(openNic({ queues: 3 })).rejects.toMatchObject({ code: 'E_QUEUE' });
  });

  it('interrupt mode: a frame on queue 1 wakes waitForReceive', async () => {
    const o = await start({ mode: 'interrupt' });
    routeAllTo(o, 1);
    const t0 = o.device.clock.nowUs();
    setImmediate(() => o.device.receive(tcpFrame(flow(3))));
    await o.nic.waitForReceive(1000);
    expect(o.device.clock.nowUs() - t0).toBeLessThan(1_000_000);
    expect(drain(o.nic).map((g) => g.queue)).toEqual([1]);
    expect(o.nic.statistics().driver.interrupts).toBeGreaterThan(0);
  });

  it('MSI-X: the driver routes each receive queue to its own vector (IVAR, EIAC, IMS)', async () => {
    const o = await start({ mode: 'interrupt' }, { msix: true });
    routeAllTo(o, 1);
    o.device.receive(tcpFrame(flow(1)));
    expect(await o.twin.vector(VECTOR_RXQ1).wait(0)).toBe(1);
    routeAllTo(o, 0);
    o.device.receive(tcpFrame(flow(2)));
    expect(await o.twin.vector(VECTOR_RXQ0).wait(0)).toBe(1);
    expect(
      drain(o.nic)
        .map((g) => g.queue)
        .sort(),
    ).toEqual([0, 1]);
  });
});
