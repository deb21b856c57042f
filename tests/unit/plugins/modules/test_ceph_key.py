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

KEY_A = base64.b64encode(b'\x01' * 12 + b'A' * 16).decode()
KEY_B = base64.b64encode(b'\x01' * 12 + b'B' * 16).decode()
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
    assert glance == {'entity': 'client.glance', 'changed': False, 'caps': CAPS, 'key': KEY_A}
    assert cinder['changed'] is True and 'key' not in cinder
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
