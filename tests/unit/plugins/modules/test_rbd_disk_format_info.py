# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import struct

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.module_utils import disk_format as df
from ansible_collections.openstack_ceph.rbd.plugins.modules import rbd_disk_format_info

# The first bytes of empty images made by qemu-img create -f FORMAT (QEMU 10), enough of each to be told.
QCOW2 = b'QFI\xfb\x00\x00\x00\x03' + b'\x00' * 504
QCOW1 = b'QFI\xfb\x00\x00\x00\x01' + b'\x00' * 504
VMDK = b'KDMV\x01\x00\x00\x00' + b'\x00' * 504
VHDX = b'vhdxfile' + b'q\x00e\x00m\x00u' + b'\x00' * 494
VHD = b'conectix\x00\x00\x00\x02' + b'\x00' * 500
VDI = b'<<< QEMU VM Virtual Disk Image >>>\n'.ljust(64, b'\x00') + b'\x7f\x10\xda\xbe' + b'\x00' * 444
QED = b'QED\x00' + b'\x00' * 508
DESCRIPTOR = b'# Disk DescriptorFile\nversion=1\n'
# A raw disk: an MBR with a partition, and an ext4 file system's first bytes (nothing at offset 0).
MBR = b'\xeb\x63\x90' + b'\x00' * 507 + b'\x55\xaa'


@pytest.mark.parametrize('head, name', [
    (QCOW2, 'qcow2'), (QCOW1, 'qcow'), (VMDK, 'vmdk'), (DESCRIPTOR, 'vmdk'), (b'COWD' + b'\x00' * 60, 'vmdk'),
    (VHDX, 'vhdx'), (VHD, 'vhd'), (VDI, 'vdi'), (QED, 'qed'),
    (MBR, 'raw'), (b'\x00' * 512, 'raw'), (b'', 'raw'), (None, 'raw'), (b'QFI', 'raw'), (b'QFI\xfb', 'qcow2'),
])
def test_disk_formats_are_told_by_their_first_bytes(head, name):
    assert df.disk_format(head) == name
    assert name in df.DISK_FORMATS


def test_every_signature_lies_within_the_bytes_read():
    assert all(offset + len(magic) <= df.HEAD_BYTES for dummy, offset, magic in df.SIGNATURES)


# -- the rbd CLI: rbd ls, then rbd export to a pipe that is closed after the first bytes --

class FakeExport(object):
    """subprocess.Popen for `rbd export SPEC -`: serves the image's bytes and records how it ended."""

    images = {}
    runs = []

    def __init__(self, argv, **kwargs):
        self.argv = argv
        spec = argv[-2]
        self.killed = False
        data = self.images.get(spec)
        self.err = b'' if data is not None else b"rbd: error opening image x: (2) No such file or directory\n"
        self.stdout = io.BytesIO(data if data is not None else b'')
        self.returncode = None if data is not None else 2
        FakeExport.runs.append(self)

    def poll(self):
        # An image larger than what was read is still being exported.
        if self.returncode is None and self.stdout.tell() >= len(self.stdout.getvalue()):
            self.returncode = 0
        return self.returncode

    def kill(self):
        self.killed = True
        self.returncode = -9

    def communicate(self):
        self.poll()
        return b'', self.err


@pytest.fixture
def export(monkeypatch):
    FakeExport.images = {}
    FakeExport.runs = []
    monkeypatch.setattr(df.subprocess, 'Popen', FakeExport)
    return FakeExport


def test_cli_reads_only_the_first_bytes_and_stops_each_export(fake_cli, run, export):
    big = QCOW2 + b'\x01' * (64 << 20)
    export.images = {'images/a': MBR * 4, 'images/b': big, 'images/c': b'\x00' * 100}
    fake_cli.on('ls --pool images', out=['b', 'a', 'c'])
    result, failed = run(rbd_disk_format_info, dict(pool='images', reader='cli'), check=True)
    assert not failed and result['changed'] is False and result['reader'] == 'cli'
    assert result['images'] == [dict(name='a', disk_format='raw'), dict(name='b', disk_format='qcow2'),
                                dict(name='c', disk_format='raw')]
    by_spec = dict((r.argv[-2], r) for r in export.runs)
    assert by_spec['images/b'].killed and by_spec['images/b'].stdout.tell() == df.HEAD_BYTES
    assert not by_spec['images/c'].killed
    argv = by_spec['images/a'].argv
    assert argv[:3] == ['/usr/bin/rbd', '--cluster', 'ceph'] and argv[-2:] == ['images/a', '-']
    assert '--rbd_concurrent_management_ops' in argv and '--no-progress' in argv


def test_cli_leaves_out_an_image_deleted_meanwhile_and_lists_nothing_when_named(fake_cli, run, export):
    export.images = {'images/ns/a': VMDK}
    result, failed = run(rbd_disk_format_info, dict(pool='images', namespace='ns', images=['gone', 'a', 'a'],
                                                    reader='cli'))
    assert not failed and result['images'] == [dict(name='a', disk_format='vmdk')]
    assert fake_cli.calls == [], 'named images need no listing'


def test_cli_behind_a_prefix(fake_cli, run, export):
    export.images = {'images/a': VHDX}
    fake_cli.on('ls --pool images', out=['a'])
    result, failed = run(rbd_disk_format_info, dict(pool='images', cli_prefix=['cephadm', 'shell', '--']))
    assert not failed and result['reader'] == 'cli' and result['images'][0]['disk_format'] == 'vhdx'
    assert export.runs[0].argv[:4] == ['/usr/bin/cephadm', 'shell', '--', 'rbd']


def test_cli_missing_pool_is_said_plainly(fake_cli, run, export):
    fake_cli.on('ls --pool nope', rc=2, err="rbd: error opening pool 'nope': (2) No such file or directory\n")
    result, failed = run(rbd_disk_format_info, dict(pool='nope', reader='cli'))
    assert failed and result['msg'] == 'pool nope does not exist.'


def test_cli_export_failure_names_the_image(fake_cli, run, export, monkeypatch):
    class Broken(FakeExport):
        def __init__(self, argv, **kwargs):
            super(Broken, self).__init__(argv, **kwargs)
            self.stdout = io.BytesIO(b'QF')
            self.returncode = 1
            self.err = b'rbd: export error: (5) Input/output error\n'
    monkeypatch.setattr(df.subprocess, 'Popen', Broken)
    export.images = {'images/a': b''}
    result, failed = run(rbd_disk_format_info, dict(pool='images', images=['a'], reader='cli'))
    assert failed and 'rbd export images/a' in result['msg'] and 'Input/output error' in result['msg']


# -- the Python binding: one connection for the pool --

class FakeBinding(object):
    """Stand-ins for the rados and rbd modules of python3-rados and python3-rbd."""

    def __init__(self, images):
        self.images = images
        self.reads = []
        self.connected = {}
        binding = self

        class Error(Exception):
            pass

        class ObjectNotFound(Error):
            pass

        class ImageNotFound(Error):
            pass

        class Ioctx(object):
            def __init__(self, pool):
                self.pool, self.namespace = pool, ''

            def set_namespace(self, namespace):
                self.namespace = namespace

            def close(self):
                binding.connected['ioctx_closed'] = True

        class Rados(object):
            def __init__(self, **kwargs):
                binding.connected['init'] = kwargs

            def connect(self, timeout):
                binding.connected['timeout'] = timeout

            def open_ioctx(self, pool):
                if pool not in [k.split('/')[0] for k in binding.images] + ['empty']:
                    raise ObjectNotFound(pool)
                return Ioctx(pool)

            def shutdown(self):
                binding.connected['shutdown'] = True

        class RBD(object):
            def list(self, ioctx):
                return [k.split('/')[-1] for k in binding.images if k.startswith(ioctx.pool + '/')]

        class Image(object):
            def __init__(self, ioctx, name, read_only=False):
                assert read_only, 'images are opened read-only'
                self.key = '/'.join(x for x in (ioctx.pool, ioctx.namespace, name) if x)
                if self.key not in binding.images:
                    raise ImageNotFound(name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def size(self):
                return len(binding.images[self.key])

            def read(self, offset, length):
                binding.reads.append((self.key, offset, length))
                return binding.images[self.key][offset:offset + length]

        self.rados = type('rados', (), dict(Rados=Rados, Error=Error, ObjectNotFound=ObjectNotFound))
        self.rbd = type('rbd', (), dict(RBD=RBD, Image=Image, Error=Error, ImageNotFound=ImageNotFound))


@pytest.fixture
def binding(monkeypatch):
    def install(images):
        fake = FakeBinding(images)
        monkeypatch.setattr(df, 'rados', fake.rados)
        monkeypatch.setattr(df, 'rbd', fake.rbd)
        monkeypatch.setattr(df, 'HAS_BINDING', True)
        monkeypatch.setattr(rbd_disk_format_info, 'HAS_BINDING', True)
        return fake
    return install


def test_binding_reads_the_first_bytes_of_every_image_with_one_connection(fake_cli, run, binding):
    fake = binding({'images/a': QCOW2 + b'\x01' * 4096, 'images/b': MBR, 'images/c': b''})
    result, failed = run(rbd_disk_format_info, dict(pool='images', cluster='dr', user='client.admin',
                                                    keyring='/etc/ceph/dr.client.admin.keyring', connect_timeout=7))
    assert not failed and result['reader'] == 'binding'
    assert [(i['name'], i['disk_format']) for i in result['images']] == [('a', 'qcow2'), ('b', 'raw'), ('c', 'raw')]
    assert fake.reads == [('images/a', 0, 512), ('images/b', 0, 512), ('images/c', 0, 0)]
    init = fake.connected['init']
    assert (init['clustername'], init['rados_id'], init['conffile']) == ('dr', 'admin', '')
    assert init['conf']['keyring'] == '/etc/ceph/dr.client.admin.keyring' and fake.connected['timeout'] == 7
    assert fake.connected.get('shutdown') and fake.connected.get('ioctx_closed')
    assert fake_cli.calls == [], 'no CLI process'


def test_binding_leaves_out_missing_images_and_reads_a_namespace(fake_cli, run, binding):
    fake = binding({'images/ns/a': VDI})
    result, failed = run(rbd_disk_format_info, dict(pool='images', namespace='ns', images=['a', 'gone']))
    assert not failed and result['images'] == [dict(name='a', disk_format='vdi')]
    assert fake.reads == [('images/ns/a', 0, 512)]


def test_binding_missing_pool_fails_plainly_and_disconnects(fake_cli, run, binding):
    fake = binding({})
    result, failed = run(rbd_disk_format_info, dict(pool='nope'))
    assert failed and result['msg'] == 'pool nope does not exist.' and fake.connected.get('shutdown')


def test_binding_cannot_run_behind_a_prefix(fake_cli, run, binding):
    binding({})
    result, failed = run(rbd_disk_format_info, dict(pool='images', reader='binding', cli_prefix=['cephadm', 'shell']))
    assert failed and 'cli_prefix' in result['msg']


def test_binding_required_but_missing(fake_cli, run, monkeypatch):
    monkeypatch.setattr(rbd_disk_format_info, 'HAS_BINDING', False)
    result, failed = run(rbd_disk_format_info, dict(pool='images', reader='binding'))
    assert failed and 'python3-rbd' in result['msg']


@pytest.mark.parametrize('over, words', [
    (dict(pool='images\n'), ['pool']),
    (dict(namespace='a/b'), ['namespace']),
    (dict(images=['ok', 'x@snap']), ['images[1]']),
    (dict(cluster='../etc'), ['cluster']),
])
def test_bad_names_are_refused_before_anything_runs(fake_cli, run, export, over, words):
    result, failed = run(rbd_disk_format_info, dict(dict(pool='images', reader='cli'), **over))
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert fake_cli.calls == [] and export.runs == []


def test_qcow_version_field_is_big_endian():
    assert df.disk_format(b'QFI\xfb' + struct.pack('>I', 2)) == 'qcow2'
