#!/bin/sh
# osc-bench-cli-shim: make bench (tests/bench/bench.py) installs this file as /usr/local/bin/ceph,
# /usr/local/bin/rbd and /usr/local/bin/virsh in the lab's containers for the time of the
# benchmark, and removes it afterwards. /usr/local/bin comes before /usr/bin in PATH, so every
# call of these tools passes here first.
#
# It appends one line per call to /var/log/osc-bench-cli.log: the tool's name and the Ansible
# module that started it (from the AnsiballZ_<module>.py file on the command line of the calling
# process, or of one of its nearest ancestors when a shell sits in between; "other" when none is
# found). The arguments are never logged: they can hold secrets. Then the real tool runs, with
# the same arguments, stdin, stdout and stderr.
name=${0##*/}
module=other
pid=$PPID
for _ in 1 2 3 4; do
  [ -r "/proc/$pid/cmdline" ] || break
  found=$(tr '\000' '\n' <"/proc/$pid/cmdline" | sed -n 's|^.*/AnsiballZ_\([A-Za-z0-9_]*\)\.py$|\1|p' | head -n 1)
  if [ -n "$found" ]; then
    module=$found
    break
  fi
  pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status")
  case $pid in ""|0|1) break ;; esac
done
# A caller that cannot write the log (a service's own user) is still served, only not counted.
printf '%s %s\n' "$name" "$module" >>/var/log/osc-bench-cli.log 2>/dev/null || true
exec "/usr/bin/$name" "$@"
