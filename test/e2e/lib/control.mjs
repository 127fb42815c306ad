// The host end of the guest control channel: a Unix socket that QEMU connects the guest's
// second serial port (ttyS1) to. The line protocol is described in guest/rootfs/etc/e2e/agent.sh.
import net from 'node:net';
import { EventEmitter } from 'node:events';

export class ControlChannel extends EventEmitter {
  #server;
  #socket = null;
  #buffer = '';
  #pending = [];
  /** Resolves with the guest's uptime (s) at READY; rejects on BOOTFAIL or close. */
  ready;

  constructor() {
    super();
    this.ready = new Promise((resolve, reject) => {
      this.once('ready', resolve);
      this.once('bootfail', (why) => reject(new Error(`guest boot failed: ${why}`)));
      this.once('close', () => reject(new Error('guest control channel closed before READY')));
    });
    this.ready.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  }

  /** Listens on `path`; QEMU connects as the client (`-chardev socket,path=...`). */
  listen(path) {
    return new Promise((resolve, reject) => {
      this.#server = net.createServer((socket) => this.#attach(socket));
      this.#server.once('error', reject);
      this.#server.listen(path, () => resolve());
    });
  }

  send(line) {
    if (this.#socket) this.#socket.write(line + '\n');
    else this.#pending.push(line);
  }

  close() {
    this.#socket?.destroy();
    this.#server?.close();
  }

  #attach(socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    for (const line of this.#pending.splice(0)) socket.write(line + '\n');
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('close', () => this.emit('close'));
    socket.on('error', () => {}); // 'close' follows and reports it
  }

  #onData(chunk) {
    this.#buffer += chunk;
    let nl;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(nl + 1);
      this.#onLine(line);
    }
  }

  #onLine(line) {
    const [verb, ...rest] = line.trim().split(' ');
    if (verb === 'READY') this.emit('ready', Number(rest[0]));
    else if (verb === 'BOOTFAIL') this.emit('bootfail', rest.join(' '));
    else if (verb === 'DONE') this.emit('done', rest[0], Number(rest[1]));
    else if (line.trim()) this.emit('noise', line);
  }
}
