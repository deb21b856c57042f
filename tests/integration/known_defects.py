# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Defects of a distribution's packages that a test meets, reported as expected failures that name
the cause (never skipped silently). Each is a row of docs/support-matrix-notes.md.

The integration tests and the lab's (molecule) tests import it as `known_defects` (pytest.ini puts
tests/integration on the path)."""

import pytest

RBD_POOL_AUTH_SUPPORTED = 'failed to set RADOS option: auth_supported'


def xfail_if_rbd_pools_cannot_open(stderr):
    """libvirt's rbd storage pool driver (12.8, on forky) still sets the librados option
    auth_supported, which Ceph 20.2.4 removed: no rbd pool opens, whatever the secret. QEMU's rbd
    driver, which Nova's disks use, sets auth_client_required and is not affected."""
    if RBD_POOL_AUTH_SUPPORTED in stderr:
        pytest.xfail("libvirt's rbd storage pools cannot open with this librados (auth_supported was "
                     "removed in Ceph 20.2.4): the secret cannot be proven through a storage pool here")
