# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The disk format an RBD image's bytes begin with (raw, or a container such as qcow2), read from its
first bytes only: with the Python binding (one connection for a whole pool), or with `rbd export`
stopped once those bytes have arrived."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import struct
import subprocess
import threading

from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import LOCALE_ENV, describe

try:
    import rados
    import rbd
    HAS_BINDING = True
except ImportError:
    rados = rbd = None
    HAS_BINDING = False

# Every signature below lies within these first bytes.
HEAD_BYTES = 512

# (disk format, offset, magic), as QEMU's block drivers probe them (block/qcow2.c, qed.c, vmdk.c, vpc.c,
# vhdx.c, vdi.c). qcow (version 1) shares qcow2's magic and is told apart by its version field.
SIGNATURES = (
    ('qcow2', 0, b'QFI\xfb'),
    ('qed', 0, b'QED\x00'),
    ('vmdk', 0, b'KDMV'),
    ('vmdk', 0, b'COWD'),
    ('vmdk', 0, b'# Disk DescriptorFile'),
    ('vhdx', 0, b'vhdxfile'),
    ('vhd', 0, b'conectix'),
    ('vdi', 64, b'\x7f\x10\xda\xbe'),
)
DISK_FORMATS = ('raw', 'qcow', 'qcow2', 'qed', 'vmdk', 'vhd', 'vhdx', 'vdi')


def disk_format(head):
    """The disk format the bytes `head` (an image's first bytes) begin with; 'raw' when no container
    format's signature is there (an empty or sparse image included)."""
    head = bytes(head or b'')
    for name, offset, magic in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            if name == 'qcow2' and len(head) >= 8 and struct.unpack('>I', head[4:8])[0] == 1:
                return 'qcow'
            return name
    return 'raw'


class BindingReader(object):
    """Reads through python3-rbd: one connection to the cluster, one open ioctx per pool."""

    name = 'binding'

    def __init__(self, module):
        p = module.params
        self.module = module
        conf = {'client_mount_timeout': str(p['connect_timeout']), 'rados_mon_op_timeout': str(p['connect_timeout']),
                'rados_osd_op_timeout': str(p['connect_timeout'])}
        if p.get('keyring'):
            conf['keyring'] = p['keyring']
        user = p['user'][len('client.'):] if p['user'].startswith('client.') else p['user']
        try:
            # conffile '' reads the default places, /etc/ceph/<cluster>.conf first, as the CLI does.
            self.cluster = rados.Rados(clustername=p['cluster'], rados_id=user, conffile=p.get('conf') or '', conf=conf)
            self.cluster.connect(timeout=p['connect_timeout'])
        except rados.Error as e:
            module.fail_json(msg="could not connect to Ceph cluster %s as client.%s with python3-rados within "
                                 "connect_timeout=%ds: %s" % (p['cluster'], user, p['connect_timeout'], e))
        self.ioctx = None

    def open(self, pool, namespace):
        try:
            self.ioctx = self.cluster.open_ioctx(pool)
        except rados.ObjectNotFound:
            self.module.fail_json(msg="pool %s does not exist." % pool)
        if namespace:
            self.ioctx.set_namespace(namespace)

    def list(self):
        try:
            return sorted(rbd.RBD().list(self.ioctx))
        except rbd.Error as e:
            self.module.fail_json(msg="listing the RBD images failed: %s" % e)

    def head(self, spec, name, length):
        """The image's first `length` bytes, or None when it does not exist (deleted meanwhile)."""
        try:
            with rbd.Image(self.ioctx, name, read_only=True) as image:
                return image.read(0, min(length, image.size()))
        except rbd.ImageNotFound:
            return None
        except rbd.Error as e:
            self.module.fail_json(msg="reading the first bytes of RBD image %s failed: %s" % (spec, e))

    def close(self):
        if self.ioctx is not None:
            self.ioctx.close()
        self.cluster.shutdown()


class ExportReader(object):
    """Reads with the rbd CLI (also behind cli_prefix): `rbd ls`, then per image an `rbd export` to
    standard output that is stopped once the first bytes have arrived, so an image is never read whole.
    module.run_command reads a command's output to its end, hence a process of its own."""

    name = 'cli'

    def __init__(self, module, cli):
        self.module = module
        self.cli = cli
        self.where = []

    def open(self, pool, namespace):
        self.where = ['--pool', pool] + (['--namespace', namespace] if namespace else [])

    def list(self):
        rc, names, err = self.cli.rbd_json(['ls'] + self.where, check_rc=False)
        if rc != 0 and 'error opening pool' in (err or ''):
            self.module.fail_json(msg="pool %s does not exist." % self.where[1])
        if rc != 0:
            self.cli.fail(self.cli.argv('rbd', ['ls'] + self.where), rc, '', err, 'rbd ls')
        return sorted(names or [])

    def head(self, spec, name, length):
        args = ['export', '--rbd_concurrent_management_ops', '1', '--no-progress', spec, '-']
        argv = self.cli.argv('rbd', args)
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=dict(os.environ, **LOCALE_ENV))
        except OSError as e:
            self.module.fail_json(msg="could not run %s: %s" % (describe('rbd', args), e), cmd=argv)
        # The connection options bound each request; this bounds the whole read, should rbd hang regardless.
        watchdog = threading.Timer(2 * self.cli.timeout + 30, proc.kill)
        watchdog.start()
        try:
            data = b''
            while len(data) < length:
                chunk = proc.stdout.read(length - len(data))
                if not chunk:
                    break
                data += chunk
            if len(data) >= length and proc.poll() is None:
                proc.kill()
            dummy, err = proc.communicate()
        finally:
            watchdog.cancel()
        if len(data) >= length or proc.returncode == 0:
            return data[:length]
        err = err.decode('utf-8', 'replace') if isinstance(err, bytes) else (err or '')
        if 'No such file' in err:
            return None
        self.cli.fail(argv, proc.returncode, '', err, 'rbd export %s (its first %d bytes)' % (spec, length))

    def close(self):
        pass
