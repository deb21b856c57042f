# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What test_lab.py and test_services.py share, as fixtures: the verifier imports test files with
--import-mode=importlib (pytest.ini), so one test file cannot import another."""

import os

import pytest
import testinfra.utils.ansible_runner
from known_defects import xfail_if_rbd_pools_cannot_open

# Each lab cluster's monitor port on loopback (tests/lab/ceph-mini-cluster.sh, inventories/lab).
PORTS = {'ceph': 3300, 'dr': 3301}


@pytest.fixture(scope='session')
def libvirt_opens():
    """libvirt_opens(cluster, pool, secret): the real proof that a secret works. libvirt on the compute
    node opens the cluster's pool as client.cinder through the secret and sees an image made in it."""
    hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
    ceph, compute = hosts.get_host('osc-lab-ceph'), hosts.get_host('osc-lab-compute')

    def opens(cluster, pool, secret):
        ceph.check_output('rbd --cluster %s create --size 8 %s/verify-disk' % (cluster, pool))
        xml = ("<pool type='rbd'><name>verify-rbd</name><source><name>%s</name>"
               "<host name='127.0.0.1' port='%d'/><auth type='ceph' username='cinder'>"
               "<secret uuid='%s'/></auth></source></pool>" % (pool, PORTS[cluster], secret))
        try:
            started = compute.run('echo "%s" | virsh -c qemu:///system pool-create /dev/stdin' % xml)
            xfail_if_rbd_pools_cannot_open(started.stderr)
            assert started.rc == 0, started.stderr
            assert 'verify-disk' in compute.check_output('virsh -c qemu:///system vol-list verify-rbd')
        finally:
            compute.run('virsh -c qemu:///system pool-destroy verify-rbd')
            ceph.run('rbd --cluster %s rm --no-progress %s/verify-disk' % (cluster, pool))
    return opens
