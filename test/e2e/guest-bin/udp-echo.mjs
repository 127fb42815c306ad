// Runs inside the guest (node /share/test/e2e/guest-bin/udp-echo.mjs PORT COUNT): echoes
// COUNT UDP datagrams back to their senders through the guest kernel's stack, then prints
// a JSON summary. Prints "listening" once bound, so the host knows when to start sending.
import dgram from 'node:dgram';

const [port, count] = process.argv.slice(2).map(Number);
const socket = dgram.createSocket('udp4');
let received = 0;
let bytes = 0;
socket.on('message', (msg, from) => {
  received++;
  bytes += msg.length;
  socket.send(msg, from.port, from.address, () => {
    if (received === count) {
      console.log(JSON.stringify({ received, bytes }));
      socket.close();
    }
  });
});
socket.bind(port, () => console.log('listening'));
