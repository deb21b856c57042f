#!/bin/sh
# Build-time set-up of the compute node: nova-compute reaches the controller's services on
# loopback through the controller's Keystone, and runs guests with QEMU's TCG (no KVM is asked for).
set -e
c=/etc/nova/nova.conf
# shellcheck source=/dev/null  # tests/lab/images/common/lab-keystone.sh, copied in by the recipe
. /usr/share/osc-lab/lab-keystone.sh
nova_client_options $c
crudini --set $c DEFAULT compute_driver libvirt.LibvirtDriver
crudini --set $c DEFAULT my_ip 127.0.0.1
# The hypervisor is set in nova-compute.conf (Debian's nova-compute-kvm ships it with virt_type =
# kvm, and the unit reads it after nova.conf): QEMU's TCG, with QEMU's default CPU model.
crudini --set /etc/nova/nova-compute.conf libvirt virt_type qemu
crudini --set /etc/nova/nova-compute.conf libvirt cpu_mode none
# No console: the lab has no proxy for one, and trixie's QEMU has no spice.
crudini --set $c vnc enabled false
crudini --set $c spice enabled false
# libvirtd opens /proc/<qemu pid>/ns/mnt to set up a guest's private /dev, which needs ptrace-level
# access Docker's default capabilities lack ("Kernel does not provide mount namespace: Permission
# denied"): guests share the container's /dev instead.
echo 'namespaces = []' >> /etc/libvirt/qemu.conf
systemctl enable nova-compute >/dev/null 2>&1
