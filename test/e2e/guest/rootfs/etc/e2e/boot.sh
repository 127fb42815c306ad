#!/bin/sh
# Guest bring-up: filesystems, kernel modules, 9p shares, the host's node. Any failure is
# reported on the control port as "BOOTFAIL <why>" and powers off, so the host fails at
# once with a reason instead of waiting for its boot timeout.
CTL=/dev/ttyS1
export PATH=/usr/bin:/bin

fail() {
  echo "e2e-boot: $*" > /dev/console
  stty -F "$CTL" raw -echo 2>/dev/null
  echo "BOOTFAIL $*" > "$CTL"
  poweroff -f
}

mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp

# Kernel command line switches set by the host (lib/qemu.mjs): nicdl.modules=share,nic,vfio
MODULE_GROUPS=share
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    nicdl.modules=*) MODULE_GROUPS="${arg#nicdl.modules=}" ;;
  esac
done

# Each group file lists module names; modprobe pulls dependencies from our modules.dep.
for group in $(echo "$MODULE_GROUPS" | tr ',' ' '); do
  [ -f "/etc/e2e/modules.$group" ] || fail "unknown module group $group"
  for m in $(cat "/etc/e2e/modules.$group"); do
    modprobe "$m" || fail "modprobe $m"
  done
done

# 9p shares. The project tree and host node are read mostly: cache=loose makes node's
# module loading several times faster. The control share must see host writes at once.
NINEP="trans=virtio,version=9p2000.L,msize=512000"
mkdir -p /share /ctl /.hostnode
mount -t 9p -o "$NINEP,cache=none" ctl /ctl || fail "mount 9p ctl"
mount -t 9p -o "$NINEP,cache=loose" share /share || fail "mount 9p share"
mount -t 9p -o "$NINEP,cache=loose" hostnode /.hostnode || fail "mount 9p hostnode"

# Put the host's node and libraries at the paths the host uses.
while read -r p; do
  [ -n "$p" ] || continue
  mkdir -p "$(dirname "$p")"
  ln -sf "/.hostnode/root$p" "$p" || fail "link $p"
done < /.hostnode/manifest

ip link set lo up
hostname nicdl-e2e
exit 0
