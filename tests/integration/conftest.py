# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session fixtures: a real throwaway Ceph cluster and a real throwaway libvirtd, torn down
afterwards even when tests fail."""

import os
import shutil
import subprocess
import tempfile

import pytest

from ceph_lab import LAB, Cluster, Libvirt, free_port, need


def throwaway_cluster():
    for binary in ('ceph', 'ceph-mon', 'ceph-osd', 'ceph-mgr', 'rbd'):
        need(binary)
    directory = tempfile.mkdtemp(prefix='ceph-test-')
    script = os.path.join(LAB, 'ceph-mini-cluster.sh')
    try:
        proc = subprocess.run([script, 'start', directory, str(free_port())], capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode != 0:
            pytest.fail('the test Ceph cluster did not start: %s' % proc.stderr)
        yield Cluster(directory)
    finally:
        subprocess.run([script, 'stop', directory], capture_output=True, timeout=60, check=False)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope='session')
def cluster():
    yield from throwaway_cluster()


@pytest.fixture(scope='module')
def fragile_cluster():
    """A cluster of the test module's own, for tests that pause daemons or poison the cluster, so
    that what they do cannot leak into the shared one."""
    yield from throwaway_cluster()


@pytest.fixture(scope='session')
def libvirt():
    need('libvirtd')
    need('virsh')
    directory = tempfile.mkdtemp(prefix='libvirt-test-')
    script = os.path.join(LAB, 'libvirtd-sandbox.sh')
    try:
        proc = subprocess.run([script, 'start', directory], check=True, capture_output=True, text=True, timeout=60)
        yield Libvirt(directory, proc.stdout.strip())
    finally:
        subprocess.run([script, 'stop', directory], capture_output=True, timeout=60, check=False)
        shutil.rmtree(directory, ignore_errors=True)
