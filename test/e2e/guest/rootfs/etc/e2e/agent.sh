#!/bin/sh
# The guest side of the host's control channel (second serial port, raw mode). One line per
# request from the host:
#   RUN <id>          run /ctl/<id>.sh in its own session; stdout/stderr -> /ctl/<id>.out/.err;
#                     when it and every process of its group are gone: "DONE <id> <status>"
#   KILL <id> <SIG>   send SIG to the job's whole process group
#   POWEROFF          sync and power off at once
# and "READY <uptime>" once, when the guest can take requests.
CTL=/dev/ttyS1
export PATH=/usr/bin:/bin HOME=/root NICDL_E2E=1

# Hold the port open for the agent's whole life on fd 3: when the last holder of a serial
# tty closes it, the kernel shuts the port down and drops whatever the host sends meanwhile
# (a RUN sent right after READY was lost that way).
exec 3<>"$CTL"
stty raw -echo -echonl <&3

# True while a process other than a zombie is in process group $1 (/proc/PID/stat: after
# the ") " that ends the command name come state, ppid, pgrp).
group_alive() {
  for s in /proc/[0-9]*/stat; do
    read -r line < "$s" 2>/dev/null || continue
    set -- "$1" ${line##*') '}
    [ "$4" = "$1" ] && [ "$2" != Z ] && return 0
  done
  return 1
}

run_job() {
  id="$1"
  (
    setsid sh -c 'echo $$ > "/ctl/$1.pid"; exec sh "/ctl/$1.sh" < /dev/null > "/ctl/$1.out" 2> "/ctl/$1.err"' job "$id" 3>&-
    status=$?
    pgid="$(cat "/ctl/$id.pid" 2>/dev/null)"
    [ -n "$pgid" ] && while group_alive "$pgid"; do sleep 0.05; done
    echo "DONE $id $status" >&3
  ) &
}

kill_job() {
  (
    # The job writes its pid file first thing; a KILL may race it by a few milliseconds.
    tries=0
    while [ ! -s "/ctl/$1.pid" ] && [ $tries -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
    kill -s "$2" -- "-$(cat "/ctl/$1.pid")" 2>/dev/null
  ) &
}

if grep -q 'nicdl.shell=1' /proc/cmdline; then
  # Debug mode (test/e2e/shell.mjs): a root shell on the console with job control.
  (cd /share && while true; do setsid cttyhack sh -l < /dev/ttyS0 > /dev/ttyS0 2>&1; done) &
fi

read -r up _ < /proc/uptime
echo "READY $up" >&3
while read -r verb id arg; do
  case "$verb" in
    RUN) run_job "$id" ;;
    KILL) kill_job "$id" "$arg" ;;
    POWEROFF) sync; poweroff -f ;;
    '') ;;
    *) echo "ERROR unknown request $verb" >&3 ;;
  esac
done <&3
