#!/bin/sh
# Runs inside the debootstrapped root: make it a small machine that boots systemd in Docker.
#   base-setup.sh SUITE MIRROR
set -e
suite=$1
mirror=$2
echo 'osc-lab' > /etc/hostname
# No hardware, no consoles, no units that cannot work in a container.
for unit in getty.target systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service \
    sys-kernel-config.mount sys-kernel-debug.mount systemd-remount-fs.service systemd-timesyncd.service; do
  ln -sf /dev/null "/etc/systemd/system/$unit"
done
# apt: no recommends, no docs, and never start services from a package's scripts at build time.
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > /etc/apt/apt.conf.d/90osc-lab
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
# forky is Debian testing: its Release file (and sid's, which the forky controller takes
# glance-api from) is sometimes past its Valid-Until date on the mirror.
if [ "$suite" = forky ]; then
  printf 'Acquire::Check-Valid-Until "false";\n' > /etc/apt/apt.conf.d/91osc-lab-testing
  printf 'deb %s sid main\n' "$mirror" > /etc/apt/sources.list.d/sid.list
  # sid only where a package is asked from it by name (-t sid or a pin), never by default.
  printf 'Package: *\nPin: release n=sid\nPin-Priority: 100\n' > /etc/apt/preferences.d/sid
fi
chmod 0755 /usr/sbin/policy-rc.d
apt-get clean
rm -rf /var/lib/apt/lists/*
