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

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_key
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key, find_keys

KEY_A = fake_key('aes', b'A')
KEY_B = fake_key('aes', b'B')
CAPS = {'mon': 'profile rbd', 'osd': 'profile rbd pool=images'}


def entity(key=KEY_A, caps=None, name='client.glance'):
    return [{'entity': name, 'key': key, 'caps': caps if caps is not None else dict(CAPS)}]


@pytest.fixture
def cli(fake_cli):
    fake_cli.secrets = [KEY_A, KEY_B]
    return fake_cli


def test_converged_entity_is_one_read_and_key_is_masked(cli, run):
    cli.on('auth get client.glance', out=entity())
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS))
    assert not failed and result['changed'] is False
    assert len(cli.calls) == 1
    assert 'key' not in result


def test_create(cli, run):
    cli.on('auth get client.glance', rc=2, err='Error ENOENT: failed to find client.glance in keyring')
    cli.on('auth get-or-create client.glance', out=entity())
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS, return_key=True))
    assert not failed and result['changed'] is True and result['key'] == KEY_A
    assert cli.called(['auth', 'get-or-create', 'client.glance', 'mon', 'profile rbd', 'osd',
                       'profile rbd pool=images'])


def test_create_in_check_mode_writes_nothing(cli, run):
    cli.on('auth get client.glance', rc=2, err='Error ENOENT: failed to find client.glance in keyring')
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS), check=True)
    assert result['changed'] is True and len(cli.calls) == 1


def test_caps_drift_uses_auth_caps_not_a_new_key(cli, run):
    cli.on('auth get client.glance', out=entity(caps={'mon': 'allow r'})).on('auth caps', out='')
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS))
    assert result['changed'] is True
    assert [c['words'][:2] for c in cli.calls] == [['auth', 'get'], ['auth', 'caps']]
    assert result['diff']['before']['caps'] == {'mon': 'allow r'}


def test_given_secret_goes_on_stdin_only(cli, run):
    cli.on('auth get client.glance', out=entity(key=KEY_A)).on('auth import', out='')
    result, failed = run(ceph_key, dict(name='client.glance', secret=KEY_B, caps=CAPS))
    assert result['changed'] is True
    imports = cli.called('auth import')
    assert imports[0]['words'] == ['auth', 'import', '-i', '-']
    assert KEY_B in imports[0]['data'] and 'caps osd = "profile rbd pool=images"' in imports[0]['data']
    assert KEY_A not in str(result) and KEY_B not in str(result['diff'])


def test_same_key_other_spelling_is_not_a_change(cli, run):
    cli.on('auth get client.glance', out=entity(key=KEY_A))
    result, failed = run(ceph_key, dict(name='client.glance', secret=' %s\n' % KEY_A))
    assert result['changed'] is False


def test_keyring_file_written_with_mode_and_rewritten_on_drift(cli, run, tmp_path):
    cli.on('auth get client.glance', out=entity())
    dest = tmp_path / 'ceph.client.glance.keyring'
    args = dict(name='client.glance', dest=str(dest), mode='0640')
    result, failed = run(ceph_key, args)
    assert result['changed'] is True
    assert dest.read_text() == '[client.glance]\n\tkey = %s\n' % KEY_A
    assert stat.S_IMODE(os.stat(str(dest)).st_mode) == 0o640
    assert run(ceph_key, args)[0]['changed'] is False
    dest.write_text('[client.glance]\n\tkey = %s\n' % KEY_B)
    assert run(ceph_key, args)[0]['changed'] is True
    assert KEY_A in dest.read_text()
    assert [f for f in os.listdir(str(tmp_path)) if f.startswith('.keyring-')] == []


@pytest.mark.parametrize('args, word', [
    (dict(name='glance'), 'name'),
    (dict(name='client.x', caps={'rgw': 'allow'}), 'caps'),
    (dict(name='client.x', caps={'osd': ''}), 'caps.osd'),
    (dict(name='client.x', secret='%%%'), 'secret'),
    (dict(name='client.x', secret=base64.b64encode(b'short').decode()), 'secret'),
    (dict(name='client.x', dest='/tmp/k', mode='0644'), 'mode'),
])
def test_bad_input_fails_before_any_call(cli, run, args, word):
    result, failed = run(ceph_key, args)
    assert failed and word in result['msg']
    assert cli.calls == []
    assert '%%%' not in result['msg']


def test_absent(cli, run):
    cli.on('auth get client.glance', out=entity()).on('auth del', out='')
    result, failed = run(ceph_key, dict(name='client.glance', state='absent'))
    assert result['changed'] is True and cli.called('auth del client.glance')


def auth_dump(*entries):
    return {'auth_dump': [e for group in entries for e in group]
            + [{'entity': 'client.admin', 'key': KEY_B, 'caps': {'mon': 'allow *'}}]}


CINDER_CAPS = {'mon': 'profile rbd', 'osd': 'profile rbd pool=volumes'}


def test_a_list_of_converged_users_is_one_read_whatever_its_length(cli, run):
    cli.on('auth ls', out=auth_dump(entity(), entity(name='client.cinder', caps=CINDER_CAPS)))
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance', caps=CAPS),
                                               dict(name='client.cinder', caps=CINDER_CAPS)]))
    assert not failed and result['changed'] is False
    assert [c['words'][:2] for c in cli.calls] == [['auth', 'ls']]
    assert [u['entity'] for u in result['users']] == ['client.glance', 'client.cinder']
    assert result['diff'] == []
    assert KEY_A not in str(result) and KEY_B not in str(result)


def test_a_list_creates_fixes_and_deletes_each_as_needed(cli, run):
    cli.on('auth ls', out=auth_dump(entity(caps={'mon': 'allow r'}), entity(name='client.old')))
    cli.on('auth caps', out='').on('auth get-or-create', out=entity(name='client.cinder')).on('auth del', out='')
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance', caps=CAPS),
                                               dict(name='client.cinder', caps=CINDER_CAPS),
                                               dict(name='client.old', state='absent'),
                                               dict(name='client.gone', state='absent')]))
    assert not failed and result['changed'] is True
    assert [u['changed'] for u in result['users']] == [True, True, True, False]
    assert [c['words'][:3] for c in cli.calls] == [['auth', 'ls', '--format'], ['auth', 'caps', 'client.glance'],
                                                   ['auth', 'get-or-create', 'client.cinder'],
                                                   ['auth', 'del', 'client.old']]
    assert [d['after']['entity'] for d in result['diff']] == ['client.glance', 'client.cinder', 'client.old']


def test_a_list_read_in_check_mode_returns_known_keys_and_creates_nothing(cli, run):
    cli.on('auth ls', out=auth_dump(entity()))
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance'), dict(name='client.cinder')],
                                        return_key=True), check=True)
    assert not failed and len(cli.calls) == 1
    glance, cinder = result['users']
    assert glance == {'entity': 'client.glance', 'changed': False, 'caps': CAPS, 'key': KEY_A, 'key_type': 'aes',
                      'key_created': '2023-11-14T22:13:20Z', 'rotated': False}
    assert cinder['changed'] is True and 'key' not in cinder and cinder['key_type'] is None
    assert KEY_B not in str(result), 'keys of entities not asked for are never returned'


def test_a_given_secret_in_a_list_goes_on_stdin_only(cli, run):
    cli.on('auth ls', out=auth_dump()).on('auth import', out='')
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance', secret=KEY_A, caps=CAPS)]))
    assert not failed and result['changed'] is True
    assert KEY_A in cli.calls[1]['data']


@pytest.mark.parametrize('args, words', [
    (dict(users=[dict(name='client.glance'), dict(name='glance')]), ['users[1] (glance)', 'name']),
    (dict(users=[dict(name='client.glance', caps={'rgw': 'x'})]), ['users[0] (client.glance)', 'rgw']),
    (dict(users=[dict(name='client.glance', secret='not-a-key')]), ['users[0] (client.glance)', 'secret']),
    # Ansible checks the items' options itself (they are declared, so that an item's secret is masked).
    (dict(users=[dict(name='client.glance', colour='red')]), ['users.colour']),
    (dict(users=[dict(caps=CAPS)]), ['name', 'users']),
    (dict(users=[dict(name='client.glance'), dict(name='client.glance')]), ['users[1]', 'twice']),
    (dict(users=[dict(name='client.glance')], dest='/tmp/x.keyring'), ['users', 'dest']),
    (dict(name='client.glance', users=[dict(name='client.cinder')]), ['name', 'users']),
    (dict(caps=CAPS), ['name', 'users']),
])
def test_a_bad_list_fails_before_any_call_and_names_the_item(cli, run, args, words):
    result, failed = run(ceph_key, args)
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert cli.calls == []


def test_a_secret_in_a_list_is_masked_like_the_top_level_one(cli, run, monkeypatch):
    """Ansible masks values it knows as no_log in the module's result and logs; an item's secret is one."""
    from ansible.module_utils import basic
    seen = {}
    real_exit = basic.AnsibleModule.exit_json

    def exit_json(self, **kwargs):
        seen['no_log_values'] = set(self.no_log_values)
        real_exit(self, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    cli.on('auth ls', out={'auth_dump': []}).on('auth import', out='')
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance', secret=KEY_A, caps=CAPS)]))
    assert not failed and KEY_A in seen['no_log_values']


# Hardening (issue 16).

NOT_FOUND = dict(rc=2, err='Error ENOENT: failed to find client.glance in keyring')


@pytest.mark.parametrize('args, words', [
    (dict(name='client.glance\n'), ['name', "'client.glance\\n'"]),
    (dict(name='client.gl ance'), ['name']),
    (dict(name='client.-glance'), ['name']),
    (dict(name='client.glance', caps={'osd': 'profile rbd\ncaps mon = "allow *"'}), ['caps.osd']),
    (dict(name='client.glance', caps={'osd': 'profile rbd\npool=images'}), ['caps.osd', 'control']),
    (dict(name='client.glance', caps={'osd': 'profile\x00rbd'}), ['caps.osd', 'control']),
    (dict(name='client.glance', caps={1: 'x', 'rgw': 'y'}), ['unknown daemon type']),
    (dict(users=[dict(name='client.glance', caps=CAPS), dict(name='client.cinder\n')]), ['users[1]', 'name']),
    (dict(users=[dict(name='client.glance', caps=CAPS), dict(name='client.cinder', caps={'mon': 'allow r\r'})]),
     ['users[1] (client.cinder)', 'caps.mon', 'control']),
    (dict(users=[dict(name='client.glance', caps=CAPS), dict(name='client.cinder', caps={'mon': 'bad "quote"'})]),
     ['users[1] (client.cinder)', 'caps.mon']),
])
def test_control_characters_and_bad_caps_fail_before_any_call(cli, run, args, words):
    for check in (False, True):
        result, failed = run(ceph_key, args, check=check)
        assert failed and all(w in result['msg'] for w in words), result['msg']
        assert cli.calls == []


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_dest_a_directory_fails_before_any_call(cli, run, tmp_path, state):
    for check in (False, True):
        result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS, dest=str(tmp_path), state=state),
                             check=check)
        assert failed and 'dest' in result['msg'] and 'is a directory' in result['msg'], result['msg']
        assert cli.calls == []
    assert tmp_path.is_dir()


# What an earlier task of the play may still create (the package that makes /etc/ceph and the service user).
MAY_BE_CREATED = [
    (dict(dest='/nonexistent-dir-for-test/ceph.client.glance.keyring'), ['dest', 'does not exist']),
    (dict(owner='no-such-user-for-test'), ['owner', 'no-such-user-for-test', 'does not exist']),
    (dict(group='no-such-group-for-test'), ['group', 'no-such-group-for-test', 'does not exist']),
]


@pytest.mark.parametrize('over, words', MAY_BE_CREATED)
def test_a_missing_directory_owner_or_group_fails_the_real_run_before_the_user_is_created(cli, run, tmp_path,
                                                                                          over, words):
    cli.on('auth get client.glance', **NOT_FOUND).on('auth get-or-create', out=entity())
    args = dict(dict(name='client.glance', caps=CAPS, dest=str(tmp_path / 'k')), **over)
    result, failed = run(ceph_key, args)
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert cli.calls == [], 'checked before the cluster is even read'
    # Check mode cannot know whether an earlier task creates it: it warns, predicts, and writes nothing.
    result, failed = run(ceph_key, args, check=True)
    assert not failed and result['changed'] is True
    assert any(all(w in warning for w in words) for warning in result['warnings']), result['warnings']
    assert not cli.called('auth get-or-create')
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize('over, words', [
    (dict(owner='nobody\n'), ['owner', 'control']),
    (dict(group='root\t'), ['group', 'control']),
    (dict(mode='0660\n'), ['mode', 'octal']),
    (dict(mode='017777'), ['mode', '07777']),
    (dict(mode=None), ['mode', 'octal']),
    (dict(mode=True), ['mode', 'octal']),
])
def test_bad_keyring_file_options_fail_before_the_user_is_created(cli, run, tmp_path, over, words):
    cli.on('auth get client.glance', **NOT_FOUND).on('auth get-or-create', out=entity())
    args = dict(name='client.glance', caps=CAPS, dest=str(tmp_path / 'k'))
    args.update(over)
    for check in (False, True):
        result, failed = run(ceph_key, args, check=check)
        assert failed and all(w in result['msg'] for w in words), result['msg']
        assert cli.calls == [], 'checked before the cluster is even read'
    assert os.listdir(str(tmp_path)) == []


def test_dest_with_a_control_character_fails_before_any_call(cli, run, tmp_path):
    result, failed = run(ceph_key, dict(name='client.glance', dest=str(tmp_path / 'k\n')))
    assert failed and 'dest' in result['msg'] and 'control' in result['msg']
    assert cli.calls == [] and os.listdir(str(tmp_path)) == []


def test_numeric_owner_and_group_are_accepted(cli, run, tmp_path):
    cli.on('auth get client.glance', out=entity())
    dest = tmp_path / 'k'
    result, failed = run(ceph_key, dict(name='client.glance', dest=str(dest), owner=str(os.getuid()),
                                        group=str(os.getgid())))
    assert not failed and result['changed'] is True
    assert os.stat(str(dest)).st_uid == os.getuid()


def test_absent_removes_the_keyring_file_and_a_missing_one_is_no_change(cli, run, tmp_path):
    cli.on('auth get client.glance', **NOT_FOUND)
    dest = tmp_path / 'k'
    dest.write_text('x')
    args = dict(name='client.glance', state='absent', dest=str(dest))
    assert run(ceph_key, args, check=True)[0]['changed'] is True and dest.exists()
    assert run(ceph_key, args)[0]['changed'] is True and not dest.exists()
    assert run(ceph_key, args)[0]['changed'] is False


def test_a_keyring_write_error_is_a_message_not_a_traceback(cli, run, tmp_path, monkeypatch):
    from ansible_collections.openstack_ceph.rbd.plugins.module_utils import keyring

    def refuse(**kwargs):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(keyring.tempfile, 'mkstemp', refuse)
    cli.on('auth get client.glance', out=entity())
    result, failed = run(ceph_key, dict(name='client.glance', dest=str(tmp_path / 'k')))
    assert failed and 'No space left' in result['msg'] and str(tmp_path / 'k') in result['msg']
    assert KEY_A not in str(result)


@pytest.mark.parametrize('check', [False, True])
def test_empty_caps_on_an_entity_with_caps_is_refused_in_both_modes(cli, run, check):
    cli.on('auth get client.glance', out=entity())
    result, failed = run(ceph_key, dict(name='client.glance', caps={}), check=check)
    assert failed and 'caps: {}' in result['msg'] and 'client.glance' in result['msg'], result['msg']
    assert len(cli.calls) == 1, 'read only'


def test_empty_caps_creates_a_new_entity_without_caps_and_keeps_one_without(cli, run):
    cli.on('auth get client.glance', **NOT_FOUND).on('auth get-or-create', out=entity(caps={}))
    result, failed = run(ceph_key, dict(name='client.glance', caps={}))
    assert not failed and result['changed'] is True and result['caps'] == {}
    assert cli.called('auth get-or-create')[0]['words'] == ['auth', 'get-or-create', 'client.glance', '--format', 'json']
    cli.on('auth get client.glance', out=entity(caps={}))
    assert run(ceph_key, dict(name='client.glance', caps={}))[0]['changed'] is False


@pytest.mark.parametrize('caps', [None, {}])
def test_a_new_entity_with_a_secret_and_no_caps_is_added_with_the_key_on_stdin(cli, run, caps):
    cli.on('auth get client.glance', **NOT_FOUND).on('auth add', out='')
    args = dict(name='client.glance', secret=KEY_A, caps=caps)
    probe, failed = run(ceph_key, args, check=True)
    assert not failed and probe['changed'] is True and len(cli.calls) == 1
    result, failed = run(ceph_key, args)
    assert not failed and result['changed'] is True
    add = cli.called('auth add')
    assert add[0]['words'] == ['auth', 'add', 'client.glance', '-i', '-']
    assert add[0]['data'] == '[client.glance]\n\tkey = %s\n' % KEY_A
    assert not cli.called('auth import')


@pytest.mark.parametrize('check', [False, True])
def test_a_new_key_for_an_entity_without_caps_is_refused_in_both_modes(cli, run, check):
    cli.on('auth get client.glance', out=entity(caps={}))
    result, failed = run(ceph_key, dict(name='client.glance', secret=KEY_B), check=check)
    assert failed and 'secret' in result['msg'] and 'caps' in result['msg'], result['msg']
    assert len(cli.calls) == 1
    assert KEY_A not in str(result) and KEY_B not in str(result)


ADMIN_CAPS = {'mon': 'allow *', 'osd': 'allow *', 'mgr': 'allow *'}


def admin(caps=None):
    return entity(name='client.admin', key=KEY_B, caps=caps or dict(ADMIN_CAPS))


@pytest.mark.parametrize('args, word', [
    (dict(name='client.admin', caps={'mon': 'allow r'}), 'changing its caps'),
    (dict(name='client.admin', state='absent'), 'deleting it'),
    (dict(name='client.admin', secret=KEY_A), 'replacing its key'),
])
@pytest.mark.parametrize('check', [False, True])
def test_the_user_the_module_runs_as_is_guarded(cli, run, args, word, check):
    cli.on('auth get client.admin', out=admin())
    result, failed = run(ceph_key, args, check=check)
    assert failed and word in result['msg'] and 'allow_own_user_change' in result['msg'], result['msg']
    assert len(cli.calls) == 1, 'read only'
    assert KEY_A not in str(result) and KEY_B not in str(result)


def test_the_guard_follows_the_user_option_and_can_be_lifted(cli, run):
    cli.on('auth get client.glance', out=entity(caps={'mon': 'allow r'})).on('auth caps', out='')
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS, user='glance'))
    assert failed and 'allow_own_user_change' in result['msg'] and not cli.called('auth caps')
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS, user='client.glance',
                                        allow_own_user_change=True))
    assert not failed and result['changed'] is True and cli.called('auth caps client.glance')
    # Another user may change client.admin's caps... only when it is not the one the module runs as.
    cli.on('auth get client.admin', out=admin()).on('auth caps client.admin', out='')
    result, failed = run(ceph_key, dict(name='client.admin', caps={'mon': 'allow r'}, user='glance'))
    assert not failed and result['changed'] is True


def test_own_user_with_the_same_caps_or_a_key_read_is_allowed(cli, run):
    cli.on('auth get client.admin', out=admin())
    result, failed = run(ceph_key, dict(name='client.admin', caps=ADMIN_CAPS, return_key=True))
    assert not failed and result['changed'] is False and result['key'] == KEY_B
    result, failed = run(ceph_key, dict(name='client.admin', secret=KEY_B), check=True)
    assert not failed and result['changed'] is False
    assert len(cli.calls) == 2


@pytest.mark.parametrize('bad, words', [
    (dict(name='client.admin', caps={'mon': 'allow r'}), ['users[2] (client.admin)', 'allow_own_user_change']),
    (dict(name='client.admin', state='absent'), ['users[2] (client.admin)', 'deleting it']),
    (dict(name='client.old', caps={}), ['users[2] (client.old)', 'caps: {}']),
    (dict(name='client.bare', secret=KEY_A), ['users[2] (client.bare)', 'secret']),
])
@pytest.mark.parametrize('check', [False, True])
def test_a_later_item_the_cluster_would_refuse_fails_before_the_first_write(cli, run, bad, words, check):
    cli.on('auth ls', out=auth_dump(entity(caps={'mon': 'allow r'}), entity(name='client.old'),
                                    entity(name='client.bare', key=KEY_B, caps={})))
    cli.on('auth caps', out='').on('auth get-or-create', out=entity(name='client.cinder')).on('auth del', out='')
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance', caps=CAPS),
                                               dict(name='client.cinder', caps=CINDER_CAPS), bad]), check=check)
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert [c['words'][:2] for c in cli.calls] == [['auth', 'ls']], 'nothing written'
    assert KEY_A not in str(result) and KEY_B not in str(result)


def test_a_timed_out_write_names_the_step_and_says_a_rerun_completes(cli, run):
    cli.on('auth get client.glance', **NOT_FOUND)
    cli.on('auth get-or-create', rc=110, err='Error ETIMEDOUT: (110) Connection timed out')
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS, connect_timeout=5))
    assert failed and 'ceph auth get-or-create client.glance' in result['msg'], result['msg']
    assert 'connect_timeout=5' in result['msg'] and 'again' in result['msg']


def test_unreadable_output_of_a_create_is_a_message_not_a_traceback(cli, run):
    cli.on('auth get client.glance', **NOT_FOUND).on('auth get-or-create', out='garbage')
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS))
    assert failed and 'ceph auth get-or-create client.glance' in result['msg'] and 'again' in result['msg']


# Issue 12, item 7: keys of type aes256k, and the key type reported without the key.

KEY_K = fake_key('aes256k', b'K')


def test_the_key_type_is_reported_without_the_key(cli, run):
    cli.secrets.append(KEY_K)
    cli.on('auth get client.glance', out=entity(key=KEY_K))
    result, failed = run(ceph_key, dict(name='client.glance', caps=CAPS))
    assert not failed and result['changed'] is False and result['key_type'] == 'aes256k'
    assert 'key' not in result and not find_keys(str(result))


def test_an_aes256k_secret_is_imported_on_stdin(cli, run):
    cli.secrets.append(KEY_K)
    cli.on('auth get client.glance', out=entity(key=KEY_A)).on('auth import', out='')
    result, failed = run(ceph_key, dict(name='client.glance', secret=KEY_K, caps=CAPS))
    assert not failed and result['changed'] is True and result['key_type'] == 'aes256k'
    assert KEY_K in cli.called('auth import')[0]['data']
    assert not find_keys(str(result))
    assert not cli.called('dpkg-query'), 'ceph_key reads no client version'
    again = run(ceph_key, dict(name='client.glance', secret=KEY_K, caps=CAPS))[0]
    assert again['changed'] is True, 'the fake still holds the old key'
    cli.on('auth get client.glance', out=entity(key=KEY_K))
    same, failed = run(ceph_key, dict(name='client.glance', secret='%s\n' % KEY_K, caps=CAPS))
    assert not failed and same['changed'] is False


def test_each_user_of_a_list_gets_its_key_type(cli, run):
    cli.secrets.append(KEY_K)
    cli.on('auth ls', out=auth_dump(entity(key=KEY_K), entity(name='client.cinder', caps=CINDER_CAPS)))
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance', caps=CAPS),
                                               dict(name='client.cinder', caps=CINDER_CAPS)]))
    assert not failed and [u['key_type'] for u in result['users']] == ['aes256k', 'aes']
    assert not find_keys(str(result))
    keys, failed = run(ceph_key, dict(users=[dict(name='client.glance')], return_key=True), check=True)
    assert keys['users'][0]['key'] == KEY_K and keys['users'][0]['key_type'] == 'aes256k'


def test_a_live_key_of_a_type_unknown_here_is_reported_as_none_and_replaced(cli, run):
    future = fake_key('aes256k', b'F', type_id=3)
    cli.secrets += [KEY_K, future]
    cli.on('auth get client.glance', out=entity(key=future)).on('auth import', out='')
    plain, failed = run(ceph_key, dict(name='client.glance', caps=CAPS))
    assert not failed and plain['changed'] is False and plain['key_type'] is None
    result, failed = run(ceph_key, dict(name='client.glance', secret=KEY_K, caps=CAPS))
    assert not failed and result['changed'] is True and cli.called('auth import')


@pytest.mark.parametrize('secret, words', [
    (fake_key('aes256k', b'K', type_id=0), ['users[1] (client.cinder): secret', 'not of a key type']),
    (fake_key('aes256k', b'K', length=16), ['users[1] (client.cinder): secret', 'another length']),
    (fake_key('aes', b'K', extra=b'K' * 16), ['users[1] (client.cinder): secret', '44 bytes', 'type aes has 28']),
])
def test_a_malformed_secret_is_refused_before_any_call_naming_the_item_never_the_key(cli, run, secret, words):
    cli.secrets.append(secret)
    result, failed = run(ceph_key, dict(users=[dict(name='client.glance', secret=KEY_K),
                                               dict(name='client.cinder', secret=secret)]))
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert secret not in str(result) and cli.calls == []


# Rotation: rotate_if_created_before and key_type. KEY_A was made at 1700000000 (2023-11-14).
OLD = fake_key('aes', b'O', created=1700000000)
BEFORE = '2024-01-01T00:00:00Z'


def rotation_cli(fake_cli, key=OLD, caps=None):
    fake_cli.secrets = [key]
    fake_cli.on('auth ls', out={'auth_dump': entity(key=key, caps=caps)})
    return fake_cli


def imported(cli):
    """The key of the one 'auth import' made, read from its stdin (never from argv)."""
    calls = cli.called('auth import')
    assert len(calls) == 1, calls
    return [line.split('=', 1)[1].strip() for line in calls[0]['data'].splitlines() if line.strip().startswith('key')][0]


def test_rotation_falls_back_to_an_import_on_stdin_where_the_monitors_have_no_auth_rotate(fake_cli, run):
    cli = rotation_cli(fake_cli)
    cli.on('auth rotate', rc=22, err='no valid command found; 10 closest matches:').on('auth import', out='')
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance'}], rotate_if_created_before=BEFORE,
                                        return_key=True))
    assert not failed and result['changed'] is True, result
    user = result['users'][0]
    new = imported(cli)
    assert user['rotated'] is True and user['rotated_with'] == 'auth import' and user['key'] == new
    assert new != OLD and ceph_key.cephx_key_type_of(new) == 'aes'
    # Imported with the caps the entity has, and made now.
    data = cli.called('auth import')[0]['data']
    assert 'caps osd = "profile rbd pool=images"' in data and 'caps mon = "profile rbd"' in data
    assert abs(ceph_key.cephx_key_created(new) - __import__('time').time()) < 60


def test_rotation_uses_auth_rotate_where_the_monitors_have_it(fake_cli, run):
    cli = rotation_cli(fake_cli)
    fresh = fake_key('aes', b'N', created=1800000000)
    cli.secrets.append(fresh)
    cli.on('auth rotate client.glance', out=[{'entity': 'client.glance', 'key': fresh, 'caps': CAPS}])
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance'}], rotate_if_created_before=BEFORE))
    assert not failed and result['users'][0]['rotated_with'] == 'auth rotate', result
    assert not cli.called('auth import')
    # The new key is masked in the output, since return_key is not set.
    assert fresh not in str(result) and OLD not in str(result)


def test_auth_rotate_giving_another_type_is_followed_by_an_import_of_the_wanted_type(fake_cli, run):
    cli = rotation_cli(fake_cli)
    other = fake_key('aes256k', b'N', created=1800000000)
    cli.secrets.append(other)
    cli.on('auth rotate client.glance', out=[{'entity': 'client.glance', 'key': other}]).on('auth import', out='')
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance'}], rotate_if_created_before=BEFORE,
                                        return_key=True))
    assert not failed and result['users'][0]['rotated_with'] == 'auth import'
    assert ceph_key.cephx_key_type_of(imported(cli)) == 'aes'


def test_a_key_made_after_the_time_is_not_rotated_again(fake_cli, run):
    cli = rotation_cli(fake_cli, key=fake_key('aes', b'N', created=1800000000))
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance'}], rotate_if_created_before=BEFORE))
    assert not failed and result['changed'] is False and result['users'][0]['rotated'] is False
    assert len(cli.calls) == 1
    assert result['users'][0]['key_created'] == '2027-01-15T08:00:00Z'


def test_key_type_change_imports_a_key_of_that_type_and_check_mode_only_predicts_it(fake_cli, run):
    cli = rotation_cli(fake_cli).on('auth import', out='')
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance', 'key_type': 'aes256k'}]), check=True)
    assert not failed and result['changed'] is True and len(cli.calls) == 1
    user = result['users'][0]
    assert user['rotated'] is True and user['key_type'] == 'aes' and 'rotated_with' not in user
    assert 'of type aes256k' in result['diff'][0]['after']['key'] and 'made 2023-11-14' in result['diff'][0]['before']['key']
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance', 'key_type': 'aes256k'}], return_key=True))
    assert not failed and not cli.called('auth rotate')
    assert ceph_key.cephx_key_type_of(imported(cli)) == 'aes256k' == result['users'][0]['key_type']


@pytest.mark.parametrize('value, message', [
    ('yesterday', 'rotate_if_created_before must be a time'),
    ('2026-13-01', 'is not a valid date'),
    (4102444800, 'in the future'),
])
def test_a_bad_or_future_rotation_time_is_refused_before_the_cluster_is_read(fake_cli, run, value, message):
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance'}], rotate_if_created_before=value))
    assert failed and message in result['msg'] and 'users[0]' in result['msg'], result
    assert not fake_cli.calls


def test_rotation_with_a_secret_is_refused(fake_cli, run):
    result, failed = run(ceph_key, dict(name='client.glance', secret=KEY_A, key_type='aes'))
    assert failed and 'cannot go with key_type' in result['msg']


def test_rotating_an_entity_without_caps_is_refused_before_any_write(fake_cli, run):
    cli = rotation_cli(fake_cli, caps={})
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance'}], rotate_if_created_before=BEFORE))
    assert failed and 'no capabilities' in result['msg'] and len(cli.calls) == 1


def test_rotation_times_in_iso_and_epoch_forms():
    from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import time_problem
    assert time_problem('2026-12-06T21:00:00Z', 'x') == (1796590800.0, None)
    assert time_problem('2026-12-06 22:00+01:00', 'x') == (1796590800.0, None)
    assert time_problem('2026-12-06T21:00', 'x') == (1796590800.0, None)
    assert time_problem(1796590800, 'x') == (1796590800.0, None)
    assert time_problem('1796590800', 'x') == (1796590800.0, None)
    assert time_problem(True, 'x')[0] is None


def test_a_pending_key_that_auth_rotate_keeps_is_cleared(fake_cli, run):
    cli = rotation_cli(fake_cli)
    fresh, pending = fake_key('aes', b'N', created=1800000000), fake_key('aes', b'P', created=1700000001)
    cli.secrets += [fresh, pending]
    cli.on('auth rotate client.glance', out=[{'entity': 'client.glance', 'key': fresh, 'pending_key': pending}])
    cli.on('auth clear-pending client.glance', out='')
    result, failed = run(ceph_key, dict(users=[{'name': 'client.glance'}], rotate_if_created_before=BEFORE))
    assert not failed and result['users'][0]['rotated_with'] == 'auth rotate', result
    assert cli.called('auth clear-pending client.glance')
    assert pending not in str(result) and fresh not in str(result)
