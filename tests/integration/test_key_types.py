# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two cephx key types, aes and aes256k, on the release this suite runs (Ceph 16.2, 18.2 or
20.2): the same code everywhere, with what each release does read independently (ceph auth get,
the package database, the file, virsh) and both outcomes of the client check proven across the
suites: Ceph 16.2 and 18.2 clients cannot use aes256k keys, 20.2.4 ones can."""

import base64
import os
import platform
import re
import struct
import subprocess
import uuid as uuidlib

import pytest

from ceph_lab import run_module
from cephx_keys import find_keys, key_type_of

HEADER = struct.Struct('<HIIH')


def local_client_release():
    """librados2's version on this machine, read with dpkg-query here (not through the module)."""
    out = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'librados2'], capture_output=True, text=True,
                         check=True).stdout
    return tuple(int(x) for x in re.match(r'(?:\d+:)?(\d+)\.(\d+)\.(\d+)', out).groups()), out


def can_use_aes256k(release):
    return release >= (21,) or (release[0] == 20 and release >= (20, 2, 4)) or (release[0] == 19 and release >= (19, 2, 6))


def new_aes256k_key():
    """A well-formed aes256k key of random bytes, made here, whatever ceph-authtool this release has."""
    return base64.b64encode(HEADER.pack(2, 1764800000, 0, 32) + os.urandom(32)).decode('ascii')


def test_new_users_get_the_releases_default_type_and_ceph_key_reports_it(cluster):
    result = run_module('ceph_key', dict(cluster.client_args, name='client.kt-default', caps={'mon': 'profile rbd'}))
    assert not result.get('failed') and result['changed'] is True, result
    key = cluster.auth('client.kt-default')['key']
    expected = 'aes256k' if cluster.release() not in ('pacific', 'quincy', 'reef') else 'aes'
    assert key_type_of(key) == expected, (cluster.release(), key)
    assert result['key_type'] == expected
    assert key not in result.output and not find_keys(result.output)


def test_an_aes256k_secret_is_imported_where_the_monitors_take_it(cluster):
    secret = new_aes256k_key()
    result = run_module('ceph_key', dict(cluster.client_args, name='client.kt-import', secret=secret,
                                         caps={'mon': 'profile rbd'}))
    live = cluster.auth('client.kt-import')
    if cluster.release() in ('pacific', 'quincy', 'reef'):
        # Monitors older than 19.2.6 cannot decode the type: the import fails and creates nothing.
        assert result.get('failed'), result
        assert live is None
    else:
        assert not result.get('failed'), result
        assert live['key'] == secret and result['key_type'] == 'aes256k'
    assert secret not in result.output


@pytest.mark.parametrize('mode', ['fail', 'warn'])
def test_an_aes256k_keyring_is_written_only_where_the_client_can_use_it(tmp_path, mode):
    release, version = local_client_release()
    key = new_aes256k_key()
    path = tmp_path / 'ceph.client.kt.keyring'
    result = run_module('ceph_keyring', dict(keyrings=[dict(path=str(path), entity='client.kt', key=key)],
                                             key_type_check=mode))
    assert key not in result.output
    if can_use_aes256k(release) or mode == 'warn':
        assert not result.get('failed') and result['changed'] is True, result
        assert key in path.read_text()
        assert oct(path.stat().st_mode & 0o777) == '0o600'
        if not can_use_aes256k(release):
            assert any(version in w and 'client.kt' in w for w in result.get('warnings', [])), result
    else:
        assert result.get('failed'), result
        for word in (platform.node(), 'client.kt', version, 'aes256k'):
            assert word in result['msg'], (word, result['msg'])
        assert not path.exists()
        # Check mode reports the same failure.
        probe = run_module('ceph_keyring', dict(keyrings=[dict(path=str(path), entity='client.kt', key=key)]),
                           check=True)
        assert probe.get('failed') and version in probe['msg']


def test_an_aes256k_libvirt_secret_is_set_only_where_the_client_can_use_it(libvirt):
    release, version = local_client_release()
    key = new_aes256k_key()
    uuid = str(uuidlib.uuid4())
    result = run_module('virsh_secret', dict(uri=libvirt.uri, uuid=uuid, usage_name='client.kt secret', value=key))
    assert key not in result.output
    got = libvirt.virsh('secret-get-value', uuid)
    if can_use_aes256k(release):
        assert not result.get('failed') and result['changed'] is True, result
        assert base64.b64decode(got.stdout.strip()) == base64.b64decode(key)
    else:
        assert result.get('failed') and version in result['msg'] and 'client.kt' in result['msg'], result
        assert got.returncode != 0, 'the secret was defined although the check failed'
