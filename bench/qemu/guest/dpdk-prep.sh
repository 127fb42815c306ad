#!/bin/sh
# What DPDK's EAL needs in the bench guest: hugetlbfs mounted (pages reserved by the
# kernel command line's hugepages=N), a runtime directory, and plugin directories that are
# not world-writable (EAL refuses to load drivers from below one; the initramfs root is).
set -e
mkdir -p /dev/hugepages /var/run
grep -q ' /dev/hugepages hugetlbfs ' /proc/mounts || mount -t hugetlbfs none /dev/hugepages
for d in "$@"; do
  while [ "$d" != / ] && [ -n "$d" ]; do chmod go-w "$d"; d=$(dirname "$d"); done
done
chmod go-w /
grep -E '^HugePages_(Total|Free)' /proc/meminfo
