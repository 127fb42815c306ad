#!/bin/sh
# Hands PCI device ADDR to DRIVER (vfio-pci, or "kernel" for the kernel's own driver,
# e1000) through driver_override, whatever holds it now. Prints the driver it ended on.
#   bind.sh ADDR vfio-pci|kernel
ADDR=$1 WANT=$2
DEV=/sys/bus/pci/devices/$ADDR
[ -d "$DEV" ] || { echo "no PCI device $ADDR" >&2; exit 1; }
current() { basename "$(readlink "$DEV/driver" 2>/dev/null)" 2>/dev/null; }
CUR=$(current)
if [ "$WANT" = kernel ]; then
  [ -n "$CUR" ] && [ "$CUR" != vfio-pci ] && { echo "$CUR"; exit 0; }
  OVERRIDE=""
else
  [ "$CUR" = "$WANT" ] && { echo "$CUR"; exit 0; }
  OVERRIDE=$WANT
fi
# An empty write clears the override (the kernel expects a newline-only write).
echo "$OVERRIDE" > "$DEV/driver_override"
[ -e "$DEV/driver" ] && echo "$ADDR" > "$DEV/driver/unbind"
echo "$ADDR" > /sys/bus/pci/drivers_probe
DRV=$(current)
[ -n "$DRV" ] || { echo "$ADDR: no driver took it (wanted $WANT)" >&2; exit 1; }
[ "$WANT" = kernel ] || [ "$DRV" = "$WANT" ] || { echo "$ADDR: bound to $DRV, wanted $WANT" >&2; exit 1; }
echo "$DRV"
