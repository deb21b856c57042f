# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type
# The keys below are fake test values, built at run time from fixed bytes.

import base64
import os
import stat

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_keyring

KEY_A = base64.b64encode(b'\x01' * 12 + b'A' * 16).decode()
KEY_B = base64.b64encode(b'\x01' * 12 + b'B' * 16).decode()


def item(path, entity='client.glance', key=KEY_A, mode='0640'):
    return dict(path=str(path), entity=entity, key=key, mode=mode)


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_writes_each_file_then_changes_nothing(fake_cli, run, tmp_path):
    glance, cinder = tmp_path / 'ceph.client.glance.keyring', tmp_path / 'ceph.client.cinder.keyring'
    args = dict(keyrings=[item(glance), item(cinder, 'client.cinder', KEY_B, '0600')])
    result, failed = run(ceph_keyring, args)
    assert not failed and result['changed'] is True
    assert glance.read_text() == '[client.glance]\n\tkey = %s\n' % KEY_A
    assert (mode_of(glance), mode_of(cinder)) == (0o640, 0o600)
    assert KEY_A not in str(result) and KEY_B not in str(result)
    again, failed = run(ceph_keyring, args)
    assert not failed and again['changed'] is False and again['diff'] == []
    assert fake_cli.calls == [], 'the cluster is never asked'


def test_content_and_mode_drift_are_fixed_file_by_file(fake_cli, run, tmp_path):
    glance, cinder = tmp_path / 'g.keyring', tmp_path / 'c.keyring'
    args = dict(keyrings=[item(glance), item(cinder, 'client.cinder', KEY_B)])
    run(ceph_keyring, args)
    glance.write_text('[client.glance]\n\tkey = %s\n' % KEY_B)
    os.chmod(str(cinder), 0o644)
    result, failed = run(ceph_keyring, args)
    assert [k['changed'] for k in result['keyrings']] == [True, True]
    assert result['diff'][0]['before']['content'] == 'out of date'
    assert result['diff'][1]['before']['content'] == 'up to date'
    assert KEY_A in glance.read_text() and mode_of(cinder) == 0o640


def test_check_mode_predicts_and_writes_nothing(fake_cli, run, tmp_path):
    glance = tmp_path / 'g.keyring'
    result, failed = run(ceph_keyring, dict(keyrings=[item(glance)]), check=True)
    assert not failed and result['changed'] is True and not glance.exists()


@pytest.mark.parametrize('over, words', [
    (dict(entity='glance'), ['keyrings[0]', 'entity']),
    (dict(key='not-a-key'), ['keyrings[0]', 'key', 'base64']),
    (dict(mode='0644'), ['keyrings[0]', 'every user']),
    (dict(mode='rw'), ['keyrings[0]', 'octal']),
])
def test_bad_input_names_the_item_and_writes_nothing(fake_cli, run, tmp_path, over, words):
    path = tmp_path / 'g.keyring'
    bad = dict(item(path), **over)
    result, failed = run(ceph_keyring, dict(keyrings=[bad]))
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert 'not-a-key' not in result['msg'] and not path.exists()
