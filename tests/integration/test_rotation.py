# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key rotation with ceph_key (rotate_if_created_before, key_type) on the release this suite runs, read back
independently with ceph auth get, and proven with ceph_auth_check: the monitors take the new key and refuse
the old one."""

import os
import time

import pytest
from ceph_lab import run_module
from cephx_keys import find_keys, key_type_of

CAPS = {'mon': 'profile rbd', 'osd': 'profile rbd pool=rotation'}
OLD_MONITORS = ('pacific', 'quincy', 'reef')


def keyring_file(tmp_path, entity, key):
    path = tmp_path / ('%s.keyring' % entity)
    path.touch(mode=0o600)
    path.write_text('[%s]\n\tkey = %s\n' % (entity, key))
    return str(path)


def test_rotation_gives_a_new_key_keeps_the_caps_and_a_rerun_rotates_nothing(cluster, tmp_path):
    entity = 'client.rot-a'
    cluster.ceph('auth', 'get-or-create', entity, 'mon', CAPS['mon'], 'osd', CAPS['osd'])
    old = cluster.auth(entity)
    time.sleep(1.1)
    began = time.time()
    args = dict(cluster.client_args, users=[{'name': entity}], rotate_if_created_before=began)

    checked = run_module('ceph_key', args, check=True)
    assert checked['changed'] is True and checked['users'][0]['rotated'] is True, checked
    assert cluster.auth(entity)['key'] == old['key'], 'check mode changed the key'

    rotated = run_module('ceph_key', args)
    new = cluster.auth(entity)
    assert not rotated.get('failed') and rotated['changed'] is True, rotated
    assert new['key'] != old['key'] and new['caps'] == old['caps']
    assert key_type_of(new['key']) == key_type_of(old['key'])
    expected = 'auth import' if cluster.release() in OLD_MONITORS else 'auth rotate'
    assert rotated['users'][0]['rotated_with'] == expected, (cluster.release(), rotated['users'][0])

    again = run_module('ceph_key', args)
    assert again['changed'] is False and cluster.auth(entity)['key'] == new['key'], again

    proof = run_module('ceph_auth_check', dict(checks=[
        dict(entity=entity, conf=cluster.conf, keyring=keyring_file(tmp_path, entity, new['key'])),
        dict(entity=entity, conf=cluster.conf, key=old['key'], expect='refused')], connect_timeout=20))
    assert not proof.get('failed'), proof
    assert [c['result'] for c in proof['checks']] == ['accepted', 'refused']
    for result in (checked, rotated, again, proof):
        assert old['key'] not in result.output and new['key'] not in result.output and not find_keys(result.output)


def test_a_key_type_change_is_made_where_the_monitors_know_the_type(cluster):
    entity = 'client.rot-b'
    cluster.ceph('auth', 'get-or-create', entity, 'mon', CAPS['mon'], 'osd', CAPS['osd'])
    old = cluster.auth(entity)
    want = 'aes' if key_type_of(old['key']) == 'aes256k' else 'aes256k'
    result = run_module('ceph_key', dict(cluster.client_args, users=[{'name': entity, 'key_type': want}]))
    live = cluster.auth(entity)
    if want == 'aes256k' and cluster.release() in OLD_MONITORS:
        # Monitors older than 19.2.6 cannot decode the type: the import fails and the key stays.
        assert result.get('failed') and live['key'] == old['key'], result
    else:
        assert not result.get('failed') and key_type_of(live['key']) == want, result
        assert live['caps'] == old['caps'] and result['users'][0]['rotated_with'] == 'auth import'
        # Ceph imports a key of a type its monitors' map does not allow, and then refuses every login with it
        # (a fresh 20.2.4 cluster allows aes256k only): rotate.yml refuses that before any change.
        allowed = [c['name'] for c in cluster.json('ceph', 'mon', 'dump').get('auth_allowed_ciphers') or []] or ['aes']
        login = run_module('ceph_auth_check', dict(checks=[dict(entity=entity, conf=cluster.conf, key=live['key'],
                                                                expect='accepted' if want in allowed else 'refused')]))
        assert not login.get('failed'), (allowed, login)
    assert old['key'] not in result.output and live['key'] not in result.output


def test_an_unreachable_cluster_fails_the_check_within_its_timeout(tmp_path):
    conf = tmp_path / 'nowhere.conf'
    conf.write_text('[global]\nmon_host = 127.0.0.1:9\n')
    started = time.time()
    result = run_module('ceph_auth_check', dict(checks=[dict(entity='client.x', conf=str(conf),
                                                             keyring=keyring_file(tmp_path, 'client.x', 'AQ' + 'A' * 36 + '=='))],
                                                connect_timeout=5))
    assert result.get('failed') and 'unreachable' in result['msg'], result
    assert time.time() - started < 60
    assert os.path.exists(str(conf))


def test_a_rotated_key_is_returned_unmasked_with_return_key(cluster):
    """With return_key the new key reaches the play (which hides it with no_log), not Ansible's mask."""
    entity = 'client.rot-c'
    cluster.ceph('auth', 'get-or-create', entity, 'mon', CAPS['mon'], 'osd', CAPS['osd'])
    time.sleep(1.1)
    result = run_module('ceph_key', dict(cluster.client_args, users=[{'name': entity}], return_key=True,
                                         rotate_if_created_before=time.time()))
    assert not result.get('failed') and result['users'][0]['key'] == cluster.auth(entity)['key']


def test_a_pending_key_made_earlier_does_not_outlive_the_rotation(cluster, tmp_path):
    """Monitors with 'ceph auth rotate' keep a pending key (get-or-create-pending, Ceph 18.2 on) next to the new key;
    ceph_key clears it, so only the new key logs in."""
    entity = 'client.rot-d'
    if cluster.release() in ('pacific', 'quincy'):
        pytest.skip('Ceph before 18.2 has no pending keys (no get-or-create-pending): nothing can outlive a rotation there')
    cluster.ceph('auth', 'get-or-create', entity, 'mon', CAPS['mon'], 'osd', CAPS['osd'])
    made = cluster.json('ceph', 'auth', 'get-or-create-pending', entity)
    assert made, 'get-or-create-pending failed on %s' % cluster.release()
    pending = (made[0] if isinstance(made, list) else made).get('pending_key')
    assert pending, made
    time.sleep(1.1)
    result = run_module('ceph_key', dict(cluster.client_args, users=[{'name': entity}], rotate_if_created_before=time.time()))
    assert not result.get('failed') and result['changed'] is True, result
    new = cluster.auth(entity)['key']
    proof = run_module('ceph_auth_check', dict(checks=[
        dict(entity=entity, conf=cluster.conf, key=new),
        dict(entity=entity, conf=cluster.conf, key=pending, expect='refused')], connect_timeout=20))
    assert not proof.get('failed'), proof
    assert pending not in result.output and new not in result.output
