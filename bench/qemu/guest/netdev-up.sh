#!/bin/sh
# Brings up the kernel interface of PCI device ADDR (bound to its kernel driver), IPv6 off
# so only the bench's own frames cross the wire, with IP/PREFIX when given; waits for
# carrier and prints the interface name.
#   netdev-up.sh ADDR [IP/PREFIX]
ADDR=$1 IPADDR=$2
CARRIER_TRIES=100 # x 0.1 s: the e1000 watchdog reports link within ~2 s
IFACE=$(ls "/sys/bus/pci/devices/$ADDR/net" 2>/dev/null | head -n 1)
[ -n "$IFACE" ] || { echo "$ADDR has no kernel interface" >&2; exit 1; }
echo 1 > "/proc/sys/net/ipv6/conf/$IFACE/disable_ipv6"
if [ -n "$IPADDR" ] && ! ip addr show dev "$IFACE" | grep -q "inet ${IPADDR%/*}/"; then
  ip addr add "$IPADDR" dev "$IFACE" || exit 1
fi
ip link set "$IFACE" up || exit 1
i=0
until [ "$(cat "/sys/class/net/$IFACE/carrier" 2>/dev/null)" = 1 ]; do
  i=$((i + 1))
  [ $i -ge $CARRIER_TRIES ] && { echo "$IFACE: no carrier" >&2; exit 1; }
  sleep 0.1
done
echo "$IFACE"
