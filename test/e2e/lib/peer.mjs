// The host-side link partner of a guest NIC wired to `-netdev dgram`: QEMU sends every
// Ethernet frame the NIC transmits as one UDP datagram to our socket, and injects every
// datagram we send to its socket as one received frame. Frames carry no FCS either way.
import dgram from 'node:dgram';
import { ARP_REPLY, ARP_REQUEST, arp, parseArp } from './frames.mjs';

const LOOPBACK = '127.0.0.1';
// Large enough to absorb a burst from the guest while the test's event loop is busy;
// capped by net.core.rmem_max (4 MiB on our machines).
const RECEIVE_BUFFER_BYTES = 4 << 20;
const DEFAULT_WAIT_MS = 10_000;

/** A UDP port free right now (QEMU must be told its port before it starts). */
export async function freeUdpPort() {
  const s = dgram.createSocket('udp4');
  await new Promise((resolve, reject) => s.bind(0, LOOPBACK, resolve).once('error', reject));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export class Peer {
  /** Every frame received from the guest since open() or the last clear(), in order. */
  frames = [];
  #socket;
  #remotePort = 0;
  #waiters = new Set();
  #listeners = new Set();
  /** Datagrams from anyone but our QEMU (ignored, counted for diagnosis). */
  strangers = 0;

  static async open() {
    const peer = new Peer();
    await peer.#bind();
    return peer;
  }

  get port() {
    return this.#socket.address().port;
  }

  /** The UDP port QEMU's NIC backend listens on. */
  connect(remotePort) {
    this.#remotePort = remotePort;
  }

  /** Sends one frame to the guest NIC (resolves when the kernel took the datagram). */
  send(frame) {
    if (!this.#remotePort) throw new Error('peer: send before connect()');
    return new Promise((resolve, reject) =>
      this.#socket.send(frame, this.#remotePort, LOOPBACK, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  /**
   * Sends frames in order, `batch` at a time, yielding `pauseMs` between batches so QEMU's
   * single socket buffer does not overflow (datagrams beyond it are dropped by the host kernel).
   */
  async sendAll(frames, { batch = 64, pauseMs = 1 } = {}) {
    for (let i = 0; i < frames.length; i += batch) {
      await Promise.all(frames.slice(i, i + batch).map((f) => this.send(f)));
      if (pauseMs > 0 && i + batch < frames.length) await sleep(pauseMs);
    }
  }

  /** Calls fn(frame) for every frame from now on; returns an unsubscribe function. */
  onFrame(fn) {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** The first frame (already received or future) matching `pred`. */
  async waitFor(pred, { timeoutMs = DEFAULT_WAIT_MS, what = 'a matching frame' } = {}) {
    const [frame] = await this.waitForCount(1, { filter: pred, timeoutMs, what });
    return frame;
  }

  /** Resolves with the first `count` frames matching `filter` (received so far or later). */
  waitForCount(count, { filter = () => true, timeoutMs = DEFAULT_WAIT_MS, what = 'frames' } = {}) {
    return new Promise((resolve, reject) => {
      const matched = [];
      const waiter = (frame) => {
        if (filter(frame)) matched.push(frame);
        if (matched.length < count) return false;
        clearTimeout(timer);
        resolve(matched.slice(0, count));
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `peer: timed out after ${timeoutMs} ms waiting for ${count} ${what}; got ${matched.length} (of ${this.frames.length} frames)`,
          ),
        );
      }, timeoutMs);
      for (const f of this.frames) if (waiter(f)) return;
      this.#waiters.add(waiter);
    });
  }

  clear() {
    this.frames = [];
  }

  close() {
    for (const w of this.#waiters) this.#waiters.delete(w);
    return new Promise((resolve) => this.#socket.close(resolve));
  }

  async #bind() {
    this.#socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
    await new Promise((resolve, reject) =>
      this.#socket.bind(0, LOOPBACK, resolve).once('error', reject),
    );
    this.#socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
  }

  #onMessage(frame, rinfo) {
    if (rinfo.port !== this.#remotePort || rinfo.address !== LOOPBACK) {
      this.strangers++;
      return;
    }
    this.frames.push(frame);
    for (const fn of this.#listeners) fn(frame);
    for (const w of this.#waiters) if (w(frame)) this.#waiters.delete(w);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes `peer` answer ARP requests for `ip` with `mac`, so the guest's IP stack (or our
 * driver's ping) can reach a host-side address. Returns a function that stops it.
 */
export function answerArp(peer, { ip, mac }) {
  return peer.onFrame((frame) => {
    const a = parseArp(frame);
    if (!a || a.op !== ARP_REQUEST || a.targetIp !== ip) return;
    void peer.send(
      arp({
        op: ARP_REPLY,
        senderMac: mac,
        senderIp: ip,
        targetMac: a.senderMac,
        targetIp: a.senderIp,
      }),
    );
  });
}
