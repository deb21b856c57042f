# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module, every name it takes, poisoned the way an attacker or a careless operator would:
the module fails with a message that names the parameter, before it runs any command (so before
anything could change), and never with a Python traceback."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import (
    ceph_info, ceph_key, ceph_keyring, ceph_pool, rbd_image, rbd_image_info, virsh_secret)
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key

KEY = fake_key('aes', b'K')
UUID = '457eb676-33da-42ec-9a8c-9293d545c337'

# module, valid arguments, and the paths (into those arguments) of the text values to poison,
# each with the words the error message must contain.
CEPH = [(('cluster',), 'cluster'), (('user',), 'user'), (('conf',), 'conf'), (('keyring',), 'keyring'),
        (('cli_prefix', 0), 'cli_prefix')]
CASES = [
    (ceph_pool, dict(name='images', pool_type='erasure', erasure_profile='ec42', crush_rule='fast',
                     conf='/etc/ceph/ceph.conf', keyring='/etc/ceph/k', cli_prefix=['cephadm']),
     [(('name',), 'name'), (('erasure_profile',), 'erasure_profile'), (('crush_rule',), 'crush_rule')] + CEPH),
    (ceph_pool, dict(pools=[dict(name='images'), dict(name='vms')]),
     [(('pools', 1, 'name'), 'pools[1]')]),
    (ceph_key, dict(name='client.glance', caps=dict(mon='profile rbd'), dest='/tmp/k', owner='root', group='root',
                    conf='/etc/ceph/ceph.conf', keyring='/etc/ceph/k', cli_prefix=['cephadm']),
     [(('name',), 'name'), (('caps', 'mon'), 'caps'), (('dest',), 'dest'), (('owner',), 'owner'),
      (('group',), 'group')] + CEPH),
    (ceph_key, dict(users=[dict(name='client.glance'), dict(name='client.cinder', caps=dict(osd='profile rbd'))]),
     [(('users', 1, 'name'), 'users[1]'), (('users', 1, 'caps', 'osd'), 'users[1]')]),
    (ceph_keyring, dict(keyrings=[dict(path='/tmp/a.keyring', entity='client.glance', key=KEY, owner='root',
                                       group='root')]),
     [(('keyrings', 0, 'path'), 'keyrings[0]'), (('keyrings', 0, 'entity'), 'keyrings[0]'),
      (('keyrings', 0, 'owner'), 'keyrings[0]'), (('keyrings', 0, 'group'), 'keyrings[0]')]),
    (ceph_info, dict(conf='/etc/ceph/ceph.conf', keyring='/etc/ceph/k', cli_prefix=['cephadm']), CEPH),
    (rbd_image, dict(pool='images', namespace='ns', name='base', snapshots=[dict(name='snap')],
                     conf='/etc/ceph/ceph.conf', keyring='/etc/ceph/k', cli_prefix=['cephadm']),
     [(('pool',), 'pool'), (('namespace',), 'namespace'), (('name',), 'name'),
      (('snapshots', 0, 'name'), 'snapshots')] + CEPH),
    (rbd_image, dict(pool='volumes', name='vol-1', clone_from='images/base@snap'),
     [(('clone_from',), 'clone_from')]),
    (rbd_image_info, dict(pool='images', name='base', conf='/etc/ceph/ceph.conf', keyring='/etc/ceph/k',
                          cli_prefix=['cephadm']),
     [(('pool',), 'pool'), (('name',), 'name')] + CEPH),
    (virsh_secret, dict(uuid=UUID, usage_name='client.cinder secret', description='cinder', value=KEY),
     [(('uuid',), 'uuid'), (('usage_name',), 'usage_name'), (('description',), 'description'),
      (('uri',), 'uri')]),
]

# What a name may end or be laced with: a newline (the reported case), a NUL, a tab, an escape.
POISONS = ['\n', '\x00', '\t', '\x1b[2J']


# Options the cases leave at their defaults, poisoned from those defaults.
DEFAULTS = dict(cluster='ceph', user='admin', uri='qemu:///system')


def poisoned(args, path, poison):
    args = copy.deepcopy(args)
    if len(path) == 1 and path[0] in DEFAULTS:
        args.setdefault(path[0], DEFAULTS[path[0]])
    target = args
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = target[path[-1]] + poison
    return args


PARAMS = [(module, args, path, words, poison)
          for module, args, paths in CASES for path, words in paths for poison in POISONS]


@pytest.mark.parametrize('module, args, path, words, poison', PARAMS,
                         ids=['%s-%s-%r' % (m.__name__.rsplit('.', 1)[-1], '.'.join(str(p) for p in path), poison)
                              for m, a, path, w, poison in PARAMS])
def test_control_characters_are_refused_before_any_command(fake_cli, run, module, args, path, words, poison):
    fake_cli.secrets = [KEY]
    result, failed = run(module, poisoned(args, path, poison))
    assert failed, result
    assert words in result['msg'], result['msg']
    assert fake_cli.calls == [], 'a command ran before the bad input was refused: %r' % fake_cli.calls
    assert KEY not in result['msg']


@pytest.mark.parametrize('module, args', [(ceph_info, {}), (ceph_pool, dict(name='images')),
                                          (ceph_key, dict(name='client.glance')),
                                          (rbd_image_info, dict(pool='images', name='base'))])
@pytest.mark.parametrize('option, value, words', [
    ('cluster', '../../tmp/x', 'cluster'), ('cluster', 'ceph/evil', 'cluster'), ('cluster', '', 'cluster'),
    ('cluster', '-h', 'cluster'), ('user', 'admin mon', 'user'), ('user', '', 'user'),
    ('connect_timeout', 0, 'connect_timeout'), ('connect_timeout', -5, 'connect_timeout'),
    ('connect_timeout', 10 ** 9, 'connect_timeout'),
])
def test_connection_options_are_checked_before_any_command(fake_cli, run, module, args, option, value, words):
    result, failed = run(module, dict(args, **{option: value}))
    assert failed, result
    assert words in result['msg'], result['msg']
    assert fake_cli.calls == []


@pytest.mark.parametrize('value', ['nan', 'inf', '-inf', -0.5])
def test_non_finite_and_negative_ratios_are_refused(fake_cli, run, value):
    result, failed = run(ceph_pool, dict(name='images', target_size_ratio=float(value)))
    assert failed and 'target_size_ratio' in result['msg'], result
    assert fake_cli.calls == []


# Every option that takes a cephx key takes both key types, and refuses anything else by its structure,
# naming the option, before any command, never showing the value.
KEY_OPTIONS = [
    (ceph_key, lambda key: dict(name='client.glance', secret=key), 'secret'),
    (ceph_key, lambda key: dict(users=[dict(name='client.glance', secret=key)]), 'users[0] (client.glance): secret'),
    (ceph_keyring, lambda key: dict(keyrings=[dict(path='/nonexistent-dir-for-test/k', entity='client.glance', key=key)],
                                    key_type_check='skip'), 'keyrings[0] (/nonexistent-dir-for-test/k): key'),
    (virsh_secret, lambda key: dict(uuid=UUID, usage_name='u', value=key), 'value'),
    (virsh_secret, lambda key: dict(secrets=[dict(uuid=UUID, usage_name='u', value=key)]), 'secrets[0] (%s): value' % UUID),
]
MALFORMED = [
    fake_key('aes', b'M', type_id=0), fake_key('aes256k', b'M', type_id=3), fake_key('aes', b'M', length=32),
    fake_key('aes256k', b'M', length=16), fake_key('aes', b'M', extra=b'M'), fake_key('aes256k', b'M', extra=b'MMMM'),
    fake_key('aes256k', b'M', type_id=1, length=16), fake_key('aes', b'M')[:-4], 'QUJD', 'AQ==\n==',
]


@pytest.mark.parametrize('module, build, words', KEY_OPTIONS)
@pytest.mark.parametrize('key', MALFORMED)
def test_malformed_keys_are_refused_naming_the_option_never_the_value(fake_cli, run, module, build, words, key):
    fake_cli.secrets = [key]
    result, failed = run(module, build(key))
    assert failed, result
    assert (words + ' is not a valid cephx key') in result['msg'], result['msg']
    assert key.strip() not in str(result) and fake_cli.calls == []


@pytest.mark.parametrize('module, build, words', KEY_OPTIONS)
@pytest.mark.parametrize('key_type', ['aes', 'aes256k'])
def test_both_key_types_pass_the_key_check(fake_cli, run, module, build, words, key_type):
    key = fake_key(key_type, b'W')
    fake_cli.secrets = [key]
    fake_cli.on([], rc=1, err='stopped here by the test')
    result, failed = run(module, build(key))
    # Each module goes on to its next step, which the fake CLI (or the missing directory) fails.
    assert failed and 'not a valid cephx key' not in result['msg'], result
    assert ('stopped here by the test' in result['msg']) is (module is not ceph_keyring), result['msg']
    assert key not in str(result)
