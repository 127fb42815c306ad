/**
 * Which network interfaces carry a default route, from procfs. Taking such a NIC away
 * from the kernel cuts the machine off (an SSH session, the package mirror), so the
 * binder refuses it unless forced.
 */
import { join } from 'node:path';
import type { SysfsIo } from './sysfs.js';

/** /proc/net/route: Iface Destination Gateway Flags ... Mask, hex, header line first. */
const ROUTE_IFACE = 0;
const ROUTE_DESTINATION = 1;
const ROUTE_MASK = 7;
/** /proc/net/ipv6_route: dest, dest prefix length, ..., device name last. */
const V6_DESTINATION = 0;
const V6_PREFIX_LEN = 1;
const V6_IFACE = 9;
const ALL_ZERO = /^0+$/;

export function defaultRouteInterfaces(procRoot: string, io: SysfsIo): Set<string> {
  const found = new Set<string>();
  const v4 = io.read(join(procRoot, 'net/route')) ?? '';
  for (const line of v4.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length <= ROUTE_MASK) continue;
    if (ALL_ZERO.test(cols[ROUTE_DESTINATION]) && ALL_ZERO.test(cols[ROUTE_MASK]))
      found.add(cols[ROUTE_IFACE]);
  }
  const v6 = io.read(join(procRoot, 'net/ipv6_route')) ?? '';
  for (const line of v6.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length <= V6_IFACE) continue;
    // The loopback's unreachable default (iface "lo") is not a route out of the machine.
    if (
      ALL_ZERO.test(cols[V6_DESTINATION]) &&
      ALL_ZERO.test(cols[V6_PREFIX_LEN]) &&
      cols[V6_IFACE] !== 'lo'
    ) {
      found.add(cols[V6_IFACE]);
    }
  }
  return found;
}
