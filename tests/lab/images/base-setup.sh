#!/bin/sh
# Runs inside the debootstrapped root: make it a small machine that boots systemd in Docker.
set -e
echo 'osc-lab' > /etc/hostname
# No hardware, no consoles, no units that cannot work in a container.
for unit in getty.target systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service \
    sys-kernel-config.mount sys-kernel-debug.mount systemd-remount-fs.service systemd-timesyncd.service; do
  ln -sf /dev/null "/etc/systemd/system/$unit"
done
# apt: no recommends, no docs, and never start services from a package's scripts at build time.
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > /etc/apt/apt.conf.d/90osc-lab
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
apt-get clean
rm -rf /var/lib/apt/lists/*
