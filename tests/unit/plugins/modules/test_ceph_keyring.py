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


# Hardening (issue 16): every item checked before the first file is touched, no traceback.

@pytest.mark.parametrize('over, words', [
    (dict(entity='client.glance\n'), ['keyrings[1]', 'entity', "'client.glance\\n'"]),
    (dict(entity='client.gl ance'), ['keyrings[1]', 'entity']),
    (dict(owner='no-such-user-for-test'), ['keyrings[1]', 'owner', 'does not exist']),
    (dict(group='no-such-group-for-test'), ['keyrings[1]', 'group', 'does not exist']),
    (dict(owner='root\n'), ['keyrings[1]', 'owner', 'control']),
    (dict(group='\x00'), ['keyrings[1]', 'group', 'control']),
    (dict(mode='0640\n'), ['keyrings[1]', 'octal']),
    (dict(mode='017777'), ['keyrings[1]', '07777']),
    (dict(path='/nonexistent-dir-for-test/k'),
     ['keyrings[1] (/nonexistent-dir-for-test/k)', 'path', 'does not exist']),
])
@pytest.mark.parametrize('check', [False, True])
def test_a_later_bad_item_fails_before_the_first_file_is_touched(fake_cli, run, tmp_path, over, words, check):
    first, second = tmp_path / 'first.keyring', tmp_path / 'second.keyring'
    bad = dict(item(second, 'client.cinder', KEY_B), **over)
    result, failed = run(ceph_keyring, dict(keyrings=[item(first), bad]), check=check)
    assert KEY_A not in str(result) and KEY_B not in str(result)
    assert os.listdir(str(tmp_path)) == []
    if check and 'does not exist' in words:
        # An earlier task of the play may still create the directory, owner or group: check mode
        # warns and predicts the change; the real run (above, check=False) fails before any write.
        assert not failed and result['changed'] is True
        assert any(all(w in warning for w in words) for warning in result['warnings']), result['warnings']
        return
    assert failed and all(w in result['msg'] for w in words), result['msg']


@pytest.mark.parametrize('check', [False, True])
def test_a_path_that_is_a_directory_is_refused_not_a_traceback(fake_cli, run, tmp_path, check):
    first, directory = tmp_path / 'first.keyring', tmp_path / 'ceph'
    directory.mkdir()
    result, failed = run(ceph_keyring, dict(keyrings=[item(first), item(directory)]), check=check)
    assert failed and 'keyrings[1] (%s): path' % directory in result['msg'], result['msg']
    assert 'is a directory' in result['msg']
    assert not first.exists() and directory.is_dir() and os.listdir(str(directory)) == []


def test_a_path_with_a_control_character_is_refused_and_shown_escaped(fake_cli, run, tmp_path):
    path = str(tmp_path / 'k') + '\n'
    result, failed = run(ceph_keyring, dict(keyrings=[item(path)]))
    assert failed and 'keyrings[0]' in result['msg'] and 'control' in result['msg'] and '\\n' in result['msg']
    assert os.listdir(str(tmp_path)) == []


def test_the_same_file_under_two_spellings_is_listed_twice(fake_cli, run, tmp_path):
    path = tmp_path / 'g.keyring'
    result, failed = run(ceph_keyring, dict(keyrings=[item(path), item(str(tmp_path) + '//./g.keyring')]))
    assert failed and 'keyrings[1]' in result['msg'] and 'twice' in result['msg'] and not path.exists()


def test_numeric_owner_and_group_are_accepted(fake_cli, run, tmp_path):
    path = tmp_path / 'g.keyring'
    result, failed = run(ceph_keyring, dict(keyrings=[dict(item(path), owner=str(os.getuid()),
                                                           group=str(os.getgid()))]))
    assert not failed and result['changed'] is True
    assert (os.stat(str(path)).st_uid, os.stat(str(path)).st_gid) == (os.getuid(), os.getgid())


def test_a_write_error_is_a_message_not_a_traceback(fake_cli, run, tmp_path, monkeypatch):
    from ansible_collections.openstack_ceph.rbd.plugins.module_utils import keyring

    def refuse(**kwargs):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(keyring.tempfile, 'mkstemp', refuse)
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring')]))
    assert failed and 'No space left' in result['msg'] and KEY_A not in str(result)
