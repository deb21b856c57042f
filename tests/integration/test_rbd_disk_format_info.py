# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rbd_disk_format_info against a real cluster: images whose first bytes are known, written with
`rbd import`, read back by each reader; nothing changes."""

import os
import subprocess
import sys

import pytest

from ceph_lab import run_module

POOL = 'formatimages'
# First bytes as qemu-img writes them (the signature is all the module reads), then zeros.
HEADS = {
    'disk-raw': b'\xeb\x63\x90' + b'\x00' * 507 + b'\x55\xaa',
    'disk-qcow2': b'QFI\xfb\x00\x00\x00\x03' + b'\x00' * 16 + b'\x00\x00\x00\x00\x04\x00\x00\x00',
    'disk-vmdk': b'KDMV\x01\x00\x00\x00\x03\x00\x00\x00',
    'disk-vhdx': b'vhdxfile' + 'QEMU'.encode('utf-16-le'),
    'disk-vdi': b'<<< QEMU VM Virtual Disk Image >>>\n'.ljust(64, b'\x00') + b'\x7f\x10\xda\xbe\x01\x00\x01\x00',
}
EXPECTED = {'disk-raw': 'raw', 'disk-qcow2': 'qcow2', 'disk-vmdk': 'vmdk', 'disk-vhdx': 'vhdx', 'disk-vdi': 'vdi',
            'disk-empty': 'raw', 'disk-big-qcow2': 'qcow2'}


@pytest.fixture(scope='module')
def images(cluster, tmp_path_factory):
    created = run_module('ceph_pool', dict(cluster.client_args, name=POOL, pg_num=8, pg_autoscale_mode='off', application='rbd'))
    assert not created.get('failed'), created
    work = tmp_path_factory.mktemp('heads')
    for name, head in list(HEADS.items()) + [('disk-big-qcow2', HEADS['disk-qcow2'])]:
        path = work / name
        # 1 MiB of data each; the big one 24 MiB, more than an export could send before it is stopped.
        size = (24 if 'big' in name else 1) << 20
        path.write_bytes(head + os.urandom(4096) + b'\x00' * (size - len(head) - 4096))
        proc = cluster.run('rbd', 'import', '--no-progress', str(path), '%s/%s' % (POOL, name))
        assert proc.returncode == 0, proc.stderr
    proc = cluster.run('rbd', 'create', '--size', '8M', '%s/disk-empty' % POOL)
    assert proc.returncode == 0, proc.stderr
    return cluster


# The Python binding comes with the distribution's Ceph (python3-rbd), for its own Python.
SYSTEM_PYTHON = '/usr/bin/python3'


def binding_importable():
    return subprocess.run([SYSTEM_PYTHON, '-c', 'import rados, rbd'], capture_output=True, check=False).returncode == 0


def state(cluster):
    return [(i['image'], i['size']) for i in cluster.json('rbd', 'ls', '-l', POOL)]


@pytest.mark.parametrize('reader, interpreter, used', [
    ('cli', None, 'cli'),
    # The tests' Python has no Ceph binding: auto falls back to the CLI.
    ('auto', None, 'cli'),
    ('binding', SYSTEM_PYTHON, 'binding'),
    ('auto', SYSTEM_PYTHON, 'binding'),
])
def test_each_image_is_told_by_its_first_bytes_and_nothing_changes(images, reader, interpreter, used):
    if interpreter and not binding_importable():
        pytest.skip('python3-rbd is not importable by %s' % SYSTEM_PYTHON)
    if not interpreter and subprocess.run([sys.executable, '-c', 'import rbd'], capture_output=True, check=False).returncode == 0:
        used = 'binding' if reader == 'auto' else used
    before = state(images)
    for check in (True, False):
        result = run_module('rbd_disk_format_info', dict(images.client_args, pool=POOL, reader=reader), check=check,
                            interpreter=interpreter)
        assert not result.get('failed'), result
        assert result['changed'] is False and result['reader'] == used
        assert dict((i['name'], i['disk_format']) for i in result['images']) == EXPECTED
    assert state(images) == before


def test_named_images_and_a_missing_one(images):
    named = ['disk-vdi', 'no-such-image', 'disk-raw']
    result = run_module('rbd_disk_format_info', dict(images.client_args, pool=POOL, reader='cli', images=named))
    assert not result.get('failed'), result
    assert result['images'] == [{'name': 'disk-raw', 'disk_format': 'raw'}, {'name': 'disk-vdi', 'disk_format': 'vdi'}]


def test_a_missing_pool_is_said_plainly(images):
    for reader, interpreter in [('cli', None)] + ([('binding', SYSTEM_PYTHON)] if binding_importable() else []):
        result = run_module('rbd_disk_format_info', dict(images.client_args, pool='no-such-pool', reader=reader),
                            interpreter=interpreter)
        assert result.get('failed') and result['msg'] == 'pool no-such-pool does not exist.', result
