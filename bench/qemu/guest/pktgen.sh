#!/bin/sh
# The kernel TX baseline: the Linux e1000 driver fed by pktgen (the kernel's own packet
# generator, no socket or stack in the way) on IFACE for SECONDS, then pktgen's report.
#   pktgen.sh IFACE SIZE SECONDS DSTMAC BURST CLONE_SKB
# SIZE is the frame without FCS. BURST > 1 queues that many frames per doorbell
# (xmit_more: the e1000 driver then writes TDT once per burst, as DPDK does).
set -e
IFACE=$1 SIZE=$2 SECONDS=$3 DST=$4 BURST=$5 CLONE=$6
PG=/proc/net/pktgen
[ -d $PG ] || modprobe pktgen
THREAD=$PG/kpktgend_0
DEV=$PG/$IFACE
pgset() {
  echo "$2" > "$1"
  # pktgen answers every command in the file's "Result:" line.
  if ! grep -q '^Result: OK' "$1"; then
    echo "pktgen: '$2' on $1: $(grep '^Result' "$1")" >&2
    exit 1
  fi
}
echo rem_device_all > $THREAD
echo "add_device $IFACE" > $THREAD
pgset $DEV "count 0"
pgset $DEV "pkt_size $SIZE"
pgset $DEV "delay 0"
pgset $DEV "clone_skb $CLONE"
pgset $DEV "burst $BURST"
pgset $DEV "dst_mac $DST"
# "start" returns when the run ends; stop it from here after SECONDS.
echo start > $PG/pgctrl &
sleep "$SECONDS"
echo stop > $PG/pgctrl
wait
cat $DEV
