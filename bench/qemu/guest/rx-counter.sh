#!/bin/sh
# The kernel RX baseline: the e1000 driver's rx_packets on IFACE, sampled once a second
# for SAMPLES seconds, as "uptime_s rx_packets" lines (the host turns deltas into pps).
#   rx-counter.sh IFACE SAMPLES
IFACE=$1 SAMPLES=$2
STATS=/sys/class/net/$IFACE/statistics/rx_packets
i=0
while [ $i -le "$SAMPLES" ]; do
  read -r up _ < /proc/uptime
  echo "$up $(cat $STATS)"
  i=$((i + 1))
  if [ $i -le "$SAMPLES" ]; then sleep 1; fi
done
exit 0
