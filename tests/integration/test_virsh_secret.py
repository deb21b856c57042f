# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""virsh_secret against a real libvirtd; state is read back with virsh, and the final proof is
libvirt itself opening an RBD pool of the real cluster through the secret."""

import subprocess
import uuid as uuidlib

from ceph_lab import converge, run_module


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
    assert created.returncode == 0, created.stderr
    try:
        volumes = libvirt.virsh('vol-list', 'rbdright')
        assert 'disk0' in volumes.stdout, volumes
    finally:
        libvirt.virsh('pool-destroy', 'rbdright')
