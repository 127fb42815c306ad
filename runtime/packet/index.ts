/** Device-agnostic packet helpers: addresses, headers, checksums, pcap files, test traffic. */
export * from './bytes.js';
export * from './mac.js';
export * from './ethernet.js';
export * from './ipv4-address.js';
export * from './headers.js';
export * from './checksum.js';
export * from './ipv4-packet.js';
export * from './arp.js';
export * from './icmp.js';
export * from './pcap.js';
export * from './test-frames.js';
