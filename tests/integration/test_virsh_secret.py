# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""virsh_secret against a real libvirtd; state is read back with virsh, and the final proof is
libvirt itself opening an RBD pool of the real cluster through the secret."""

import subprocess
import uuid as uuidlib

from ceph_lab import converge, run_module
from known_defects import xfail_if_rbd_pools_cannot_open


def fresh_key():
    return subprocess.run(['ceph-authtool', '--gen-print-key'], capture_output=True, text=True,
                          check=True).stdout.strip()


def read_secret(libvirt, uuid):
    proc = libvirt.virsh('secret-dumpxml', uuid)
    if proc.returncode != 0:
        return None
    value = libvirt.virsh('secret-get-value', uuid)
    return dict(xml=proc.stdout, value=value.stdout.strip() if value.returncode == 0 else value.stderr.strip())


def secret_args(libvirt, **kwargs):
    args = dict(uri=libvirt.uri)
    args.update(kwargs)
    return args


def test_define_with_value_and_converge(libvirt):
    uuid = str(uuidlib.uuid4())
    key = fresh_key()
    args = secret_args(libvirt, uuid=uuid, usage_name='client.cinder secret', value=key)

    def expect(secret):
        assert "<usage type='ceph'>" in secret['xml'] and 'client.cinder secret' in secret['xml']
        assert secret['value'] == key

    results = converge('virsh_secret', args, lambda: read_secret(libvirt, uuid), expect)
    for result in results:
        assert key not in result.output


def test_value_drift_is_corrected(libvirt):
    uuid = str(uuidlib.uuid4())
    key = fresh_key()
    args = secret_args(libvirt, uuid=uuid, usage_name='client.drift secret', value=key)
    assert run_module('virsh_secret', args)['changed'] is True
    other = fresh_key()
    proc = libvirt.virsh('secret-set-value', '--secret', uuid, '--file', '/dev/stdin', input=other)
    assert proc.returncode == 0, proc.stderr
    probe = run_module('virsh_secret', args, check=True)
    assert probe['changed'] is True
    assert read_secret(libvirt, uuid)['value'] == other, 'check mode must not fix the drift'
    assert run_module('virsh_secret', args)['changed'] is True
    assert read_secret(libvirt, uuid)['value'] == key
    assert run_module('virsh_secret', args)['changed'] is False


def test_private_secret(libvirt):
    uuid = str(uuidlib.uuid4())
    key = fresh_key()
    args = secret_args(libvirt, uuid=uuid, usage_name='client.private secret', value=key, private=True)
    converge('virsh_secret', args, lambda: read_secret(libvirt, uuid),
             lambda secret: "private='yes'" in secret['xml'] and 'private' in secret['value'])
    forced = run_module('virsh_secret', dict(args, update_private_value=True))
    assert forced['changed'] is True
    # Making it public again needs a redefinition, which the module does, storing the value again.
    public = dict(args, private=False)
    converge('virsh_secret', public, lambda: read_secret(libvirt, uuid),
             lambda secret: "private='no'" in secret['xml'] and secret['value'] == key)


def test_usage_change_redefines_and_absent(libvirt):
    uuid = str(uuidlib.uuid4())
    key = fresh_key()
    assert run_module('virsh_secret', secret_args(libvirt, uuid=uuid, usage_name='client.a secret', value=key))['changed']
    renamed = secret_args(libvirt, uuid=uuid, usage_name='client.b secret', value=key)
    converge('virsh_secret', renamed, lambda: read_secret(libvirt, uuid),
             lambda secret: 'client.b secret' in secret['xml'] and secret['value'] == key)
    clash = run_module('virsh_secret', secret_args(libvirt, uuid=str(uuidlib.uuid4()), usage_name='client.b secret',
                                                   value=key))
    assert clash.get('failed') and 'usage_name' in clash['msg']
    converge('virsh_secret', secret_args(libvirt, uuid=uuid, state='absent'), lambda: read_secret(libvirt, uuid),
             lambda secret: secret is None)


def test_bad_input(libvirt):
    before = libvirt.virsh('secret-list').stdout
    cases = [
        (dict(uuid='not-a-uuid', usage_name='x', value=fresh_key()), 'uuid'),
        (dict(uuid=str(uuidlib.uuid4()), usage_name='x', value='AQnotakey=='), 'value'),
        (dict(uuid=str(uuidlib.uuid4()), value=fresh_key()), 'usage_name'),
    ]
    for extra, word in cases:
        result = run_module('virsh_secret', secret_args(libvirt, **extra))
        assert result.get('failed'), (extra, result)
        assert word in result['msg'], (extra, result['msg'])
    assert libvirt.virsh('secret-list').stdout == before


def test_libvirt_opens_rbd_through_the_secret(cluster, libvirt, tmp_path):
    """The real proof for a compute node: an rbd storage pool using the secret starts and lists
    the pool's images only when the secret holds client.cinder's real key."""
    client = dict(cluster.client_args)
    assert not run_module('ceph_pool', dict(client, name='lvvms', pg_num=8, pg_autoscale_mode='off',
                                            application='rbd')).get('failed')
    assert not run_module('rbd_image', dict(client, pool='lvvms', name='disk0', size='8M')).get('failed')
    assert not run_module('ceph_key', dict(client, name='client.lvcinder',
                                           caps={'mon': 'profile rbd', 'osd': 'profile rbd pool=lvvms'})).get('failed')
    key = cluster.auth('client.lvcinder')['key']
    port = cluster.ceph('mon', 'dump', '--format', 'json')
    port = __import__('json').loads(port)['mons'][0]['public_addrs']['addrvec'][0]['addr'].split(':')[1]
    uuid = str(uuidlib.uuid4())

    def pool_xml(name):
        return ("<pool type='rbd'><name>%s</name><source><name>lvvms</name>"
                "<host name='127.0.0.1' port='%s'/><auth type='ceph' username='lvcinder'>"
                "<secret uuid='%s'/></auth></source></pool>" % (name, port, uuid))

    wrong = secret_args(libvirt, uuid=uuid, usage_name='client.lvcinder secret', value=fresh_key())
    assert run_module('virsh_secret', wrong)['changed'] is True
    assert libvirt.virsh('pool-create', '/dev/stdin', input=pool_xml('rbdwrong')).returncode != 0

    right = dict(wrong, value=key)
    assert run_module('virsh_secret', right)['changed'] is True
    created = libvirt.virsh('pool-create', '/dev/stdin', input=pool_xml('rbdright'))
    xfail_if_rbd_pools_cannot_open(created.stderr)
    assert created.returncode == 0, created.stderr
    try:
        volumes = libvirt.virsh('vol-list', 'rbdright')
        assert 'disk0' in volumes.stdout, volumes
    finally:
        libvirt.virsh('pool-destroy', 'rbdright')


# Issue 16: a replacement never loses the working secret; bad names never reach libvirt.

def secret_value_bytes(libvirt, uuid):
    proc = libvirt.virsh('secret-get-value', uuid)
    assert proc.returncode == 0, proc.stderr
    return __import__('base64').b64decode(proc.stdout.strip())


def test_usage_conflict_fails_before_anything_changes(libvirt):
    uuid_a, uuid_b = str(uuidlib.uuid4()), str(uuidlib.uuid4())
    key_a, key_b = fresh_key(), fresh_key()
    assert run_module('virsh_secret', secret_args(libvirt, uuid=uuid_a, usage_name='x secret', value=key_a))['changed']
    assert run_module('virsh_secret', secret_args(libvirt, uuid=uuid_b, usage_name='y secret', value=key_b,
                                                  description='secret B'))['changed']
    before_a, before_b = read_secret(libvirt, uuid_a), read_secret(libvirt, uuid_b)
    bytes_a, bytes_b = secret_value_bytes(libvirt, uuid_a), secret_value_bytes(libvirt, uuid_b)
    listed = libvirt.virsh('secret-list').stdout

    clash = secret_args(libvirt, uuid=uuid_b, usage_name='x secret', value=key_b)
    for check in (True, False):
        result = run_module('virsh_secret', clash, check=check)
        assert result.get('failed'), (check, result)
        assert "'x secret'" in result['msg'] and uuid_a in result['msg'], result['msg']
        assert key_a not in result.output and key_b not in result.output
        # Independent reads: B keeps its usage, description and value byte for byte; A is untouched.
        assert read_secret(libvirt, uuid_b) == before_b and secret_value_bytes(libvirt, uuid_b) == bytes_b
        assert read_secret(libvirt, uuid_a) == before_a and secret_value_bytes(libvirt, uuid_a) == bytes_a
        assert libvirt.virsh('secret-list').stdout == listed

    new = secret_args(libvirt, uuid=str(uuidlib.uuid4()), usage_name='x secret', value=fresh_key())
    for check in (True, False):
        result = run_module('virsh_secret', new, check=check)
        assert result.get('failed') and uuid_a in result['msg'], result
        assert libvirt.virsh('secret-list').stdout == listed
    for uuid in (uuid_a, uuid_b):
        assert libvirt.virsh('secret-undefine', uuid).returncode == 0


def test_failed_replacement_puts_the_old_secret_back(libvirt, tmp_path):
    """A define that fails after the undefine (forced here by a cli_prefix that fails the first
    secret-define, the way a libvirtd losing a race would) leaves the old secret and value in place."""
    uuid = str(uuidlib.uuid4())
    key = fresh_key()
    assert run_module('virsh_secret', secret_args(libvirt, uuid=uuid, usage_name='z secret', value=key))['changed']
    before = read_secret(libvirt, uuid)
    old_bytes = secret_value_bytes(libvirt, uuid)
    marker = tmp_path / 'failed-once'
    wrapper = tmp_path / 'fail-first-define.sh'
    wrapper.write_text('#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = secret-define ] && [ ! -e %s ]; then\n'
                       '    touch %s; cat >/dev/null; echo "error: forced failure" >&2; exit 1\n  fi\ndone\n'
                       'exec "$@"\n' % (marker, marker))
    wrapper.chmod(0o755)
    renamed = secret_args(libvirt, uuid=uuid, usage_name='z2 secret', value=key, cli_prefix=[str(wrapper)])
    result = run_module('virsh_secret', renamed)
    assert result.get('failed') and 'put back' in result['msg'], result
    assert marker.exists(), 'the forced failure did not happen'
    assert key not in result.output
    assert read_secret(libvirt, uuid) == before and secret_value_bytes(libvirt, uuid) == old_bytes
    # Once the failure is gone the same task completes the work.
    assert run_module('virsh_secret', renamed)['changed'] is True
    after = read_secret(libvirt, uuid)
    assert 'z2 secret' in after['xml'] and secret_value_bytes(libvirt, uuid) == old_bytes
    assert libvirt.virsh('secret-undefine', uuid).returncode == 0


def test_newline_in_uuid_or_usage_name_is_refused(libvirt):
    listed = libvirt.virsh('secret-list').stdout
    uuid = str(uuidlib.uuid4())
    for extra, word, check in [(dict(uuid=uuid + '\n', usage_name='nl secret'), 'uuid', True),
                               (dict(uuid=uuid + '\n', usage_name='nl secret'), 'uuid', False),
                               (dict(uuid=uuid, usage_name='nl secret\n'), 'usage_name', True),
                               (dict(uuid=uuid, usage_name='nl secret\n'), 'usage_name', False),
                               (dict(uuid=uuid, usage_name='nl secret', description='two\nlines'), 'description', False)]:
        result = run_module('virsh_secret', secret_args(libvirt, value=fresh_key(), **extra), check=check)
        assert result.get('failed') and word in result['msg'], (extra, result)
    assert libvirt.virsh('secret-list').stdout == listed
    assert libvirt.virsh('secret-dumpxml', uuid).returncode != 0


def test_a_list_of_secrets_in_one_call(libvirt):
    """Issue 11: a compute node's secrets of several clusters in one call: created, drift on one of
    them put back, a private one, and a clash inside the list refused before anything changes."""
    uuids = [str(uuidlib.uuid4()) for dummy in range(3)]
    keys = [fresh_key() for dummy in range(3)]
    items = [dict(uuid=uuids[0], usage_name='list client.cinder secret', value=keys[0]),
             dict(uuid=uuids[1], usage_name='list dr client.cinder secret', value=keys[1]),
             dict(uuid=uuids[2], usage_name='list dr client.nova secret', value=keys[2], private=True)]
    args = secret_args(libvirt, secrets=items)

    probe = run_module('virsh_secret', args, check=True)
    assert probe['changed'] is True and all(read_secret(libvirt, u) is None for u in uuids), 'check mode wrote'
    result = run_module('virsh_secret', args)
    assert result['changed'] is True and [s['uuid'] for s in result['secrets']] == uuids
    assert all(k not in result.output for k in keys)
    assert [secret_value_bytes(libvirt, u) for u in uuids[:2]] == [__import__('base64').b64decode(k) for k in keys[:2]]
    assert "private='yes'" in read_secret(libvirt, uuids[2])['xml']
    assert "<name>list dr client.cinder secret</name>" in read_secret(libvirt, uuids[1])['xml']
    assert run_module('virsh_secret', args)['changed'] is False

    proc = libvirt.virsh('secret-set-value', '--secret', uuids[1], '--file', '/dev/stdin', input=fresh_key())
    assert proc.returncode == 0, proc.stderr
    fixed = run_module('virsh_secret', args)
    assert fixed['changed'] is True and len(fixed['diff']) == 1
    assert read_secret(libvirt, uuids[1])['value'] == keys[1]

    listed = libvirt.virsh('secret-list').stdout
    clash = secret_args(libvirt, secrets=[dict(items[0], value=fresh_key()), dict(items[1], usage_name=items[0]['usage_name'])])
    for check in (True, False):
        failed = run_module('virsh_secret', clash, check=check)
        assert failed.get('failed') and 'secrets[1]' in failed['msg'], failed
        assert libvirt.virsh('secret-list').stdout == listed
        assert read_secret(libvirt, uuids[0])['value'] == keys[0], 'the first item was changed before the refusal'
    for uuid in uuids:
        assert libvirt.virsh('secret-undefine', uuid).returncode == 0
