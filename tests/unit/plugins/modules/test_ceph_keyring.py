# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type
# The keys below are fake test values, built at run time from fixed bytes.

import os
import stat

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_keyring
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key, find_keys

KEY_A = fake_key('aes', b'A')
KEY_B = fake_key('aes', b'B')


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


# Issue 12, item 7: keys of type aes256k, and the node's Ceph client that must be able to use them.

KEY_K = fake_key('aes256k', b'K')
OLD_CLIENT = 'install ok installed\t18.2.7+ds-1\n'
NEW_CLIENT = 'install ok installed\t20.2.4-1bookworm\n'


@pytest.fixture
def node(fake_cli, monkeypatch):
    from ansible_collections.openstack_ceph.rbd.plugins.module_utils import ceph_cli
    monkeypatch.setattr(ceph_cli.platform, 'node', lambda: 'compute-7')
    fake_cli.secrets = [KEY_A, KEY_B, KEY_K]
    return fake_cli


def version_reads(cli):
    return cli.called('dpkg-query') + cli.called('rpm')


def test_an_aes256k_key_is_written_when_the_client_can_use_it(node, run, tmp_path):
    node.on('dpkg-query', out=NEW_CLIENT)
    glance, cinder = tmp_path / 'g.keyring', tmp_path / 'c.keyring'
    args = dict(keyrings=[item(glance, key=KEY_K), item(cinder, 'client.cinder', KEY_A)])
    result, failed = run(ceph_keyring, args)
    assert not failed and result['changed'] is True, result
    assert glance.read_text() == '[client.glance]\n\tkey = %s\n' % KEY_K
    assert [k['key_type'] for k in result['keyrings']] == ['aes256k', 'aes']
    assert not find_keys(str(result)) and result['warnings'] == []
    query = version_reads(node)
    assert len(query) == 1, 'one read for the whole call'
    assert query[0]['words'] == ['dpkg-query', '-W', '--showformat=${Status}\t${Version}\n', 'librados2']
    assert query[0]['argv'][:4] == ['/usr/bin/timeout', '-k', '5', '10'], 'bounded in time'
    # Up to date: nothing is about to be written, so nothing is read.
    again, failed = run(ceph_keyring, args)
    assert not failed and again['changed'] is False and len(version_reads(node)) == 1


def test_classic_keys_never_read_the_client_version(node, run, tmp_path):
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring'),
                                                      item(tmp_path / 'c.keyring', 'client.cinder', KEY_B)]))
    assert not failed and result['changed'] is True
    assert [k['key_type'] for k in result['keyrings']] == ['aes', 'aes']
    assert node.calls == []


@pytest.mark.parametrize('check', [False, True])
def test_an_old_client_fails_naming_node_item_entity_and_version_before_any_write(node, run, tmp_path, check):
    node.on('dpkg-query', out=OLD_CLIENT)
    first, second = tmp_path / 'g.keyring', tmp_path / 'c.keyring'
    args = dict(keyrings=[item(first), item(second, 'client.cinder', KEY_K)])
    result, failed = run(ceph_keyring, args, check=check)
    assert failed, result
    msg = result['msg']
    for words in ('compute-7', 'keyrings[1] (%s): client.cinder' % second, 'librados2 18.2.7+ds-1', 'aes256k',
                  '19.2.6', '20.2.4', 'key_type_check=warn'):
        assert words in msg, msg
    assert 'client.glance' not in msg, 'only the aes256k keys are named'
    assert not find_keys(str(result)) and os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize('version', ['19.2.5-1jammy', '20.2.3-1', '17.2.8-0ubuntu0.22.04.1', '16.2.15+ds-0+deb12u2'])
def test_every_client_before_the_boundary_is_refused(node, run, tmp_path, version):
    node.on('dpkg-query', out='install ok installed\t%s\n' % version)
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring', key=KEY_K)]))
    assert failed and version in result['msg']


@pytest.mark.parametrize('version', ['19.2.6-1jammy', '20.2.4+ds-1', '21.2.0-1', '2:19.3.0-0.el9'])
def test_every_client_from_the_boundary_on_is_taken(node, run, tmp_path, version):
    node.on('dpkg-query', rc=1, err='dpkg-query: no packages found matching librados2\n')
    node.on('rpm', out=version.split(':')[-1] + '\n')
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring', key=KEY_K)]))
    assert not failed and result['changed'] is True, result
    assert node.called('rpm')[0]['words'] == ['rpm', '-q', '--queryformat', '%{VERSION}-%{RELEASE}\n', 'librados2']


def test_warn_mode_writes_and_warns_with_the_same_facts(node, run, tmp_path):
    node.on('dpkg-query', out=OLD_CLIENT)
    path = tmp_path / 'g.keyring'
    result, failed = run(ceph_keyring, dict(keyrings=[item(path, key=KEY_K)], key_type_check='warn'))
    assert not failed and result['changed'] is True and KEY_K in path.read_text()
    assert len(result['warnings']) == 1
    assert all(w in result['warnings'][0] for w in ('compute-7', 'client.glance', '18.2.7', 'aes256k'))


def test_skip_mode_reads_nothing(node, run, tmp_path):
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring', key=KEY_K)], key_type_check='skip'))
    assert not failed and result['changed'] is True and node.calls == []


@pytest.mark.parametrize('check', [False, True])
def test_a_client_not_installed_fails_a_real_run_and_warns_in_check_mode(node, run, tmp_path, check):
    node.on('dpkg-query', rc=1, err='dpkg-query: no packages found matching librados2\n')
    node.on('rpm', rc=1, out='package librados2 is not installed\n')
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring', key=KEY_K)]), check=check)
    if check:
        assert not failed and result['changed'] is True
        assert any('no installed librados2 found' in w and 'compute-7' in w for w in result['warnings'])
    else:
        assert failed and 'compute-7' in result['msg'] and 'Install the Ceph client' in result['msg']
        assert ('no installed librados2 found; dpkg-query: dpkg-query: no packages found matching librados2; '
                'rpm: package librados2 is not installed') in result['msg']
        assert os.listdir(str(tmp_path)) == []


def test_a_package_query_that_hangs_is_cut_short_and_said_so(node, run, tmp_path):
    node.on('dpkg-query', rc=124)
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring', key=KEY_K)]))
    assert failed and 'did not answer within 10 seconds' in result['msg']
    assert not node.called('rpm')


@pytest.mark.parametrize('key, words', [
    (fake_key('aes256k', b'K', type_id=9), ['keyrings[0]', 'key', 'not of a key type']),
    (fake_key('aes256k', b'K', length=16), ['keyrings[0]', 'key', 'another length']),
    (fake_key('aes', b'K', extra=b'K' * 16), ['keyrings[0]', 'key', '44 bytes']),
])
def test_malformed_keys_are_refused_naming_the_item_never_the_key(node, run, tmp_path, key, words):
    node.secrets.append(key)
    result, failed = run(ceph_keyring, dict(keyrings=[item(tmp_path / 'g.keyring', key=key)]))
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert key not in str(result) and not find_keys(str(result)) and node.calls == []


# The audit's questions (playbooks/audit.yml): a wrong key and a wrong mode are told apart, in check mode.

def test_check_mode_tells_content_from_owner_group_and_mode(fake_cli, run, tmp_path):
    glance, cinder, new = tmp_path / 'g.keyring', tmp_path / 'c.keyring', tmp_path / 'n.keyring'
    args = dict(keyrings=[item(glance), item(cinder, 'client.cinder', KEY_B), item(new, 'client.nova')])
    run(ceph_keyring, dict(keyrings=args['keyrings'][:2]))
    glance.write_text('[client.glance]\n\tkey = %s\n' % KEY_B)
    os.chmod(str(glance), 0o640)
    os.chmod(str(cinder), 0o600)
    result, failed = run(ceph_keyring, args, check=True)
    assert not failed
    by_path = dict((k['path'], k) for k in result['keyrings'])
    assert (by_path[str(glance)]['content_changed'], by_path[str(glance)]['attributes_changed']) == (True, False)
    assert (by_path[str(cinder)]['content_changed'], by_path[str(cinder)]['attributes_changed']) == (False, True)
    assert by_path[str(cinder)]['found']['mode'] == '0600'
    assert (by_path[str(new)]['content_changed'], by_path[str(new)]['found']) == (True, None)
    # Check mode wrote nothing, and no key is in the result.
    assert KEY_B in glance.read_text() and mode_of(cinder) == 0o600 and not new.exists()
    assert find_keys(str(result)) == []


def test_found_is_what_was_there_before_a_real_run_fixed_it(fake_cli, run, tmp_path):
    glance = tmp_path / 'g.keyring'
    run(ceph_keyring, dict(keyrings=[item(glance)]))
    os.chmod(str(glance), 0o600)
    result, failed = run(ceph_keyring, dict(keyrings=[item(glance)]))
    entry = result['keyrings'][0]
    assert not failed and entry['changed'] and entry['attributes_changed'] and not entry['content_changed']
    assert entry['found']['mode'] == '0600' and mode_of(glance) == 0o640
    again, failed = run(ceph_keyring, dict(keyrings=[item(glance)]))
    assert again['keyrings'][0]['found']['mode'] == '0640' and not again['keyrings'][0]['attributes_changed']


def test_an_owner_that_differs_is_an_attribute_change(fake_cli, run, tmp_path):
    glance = tmp_path / 'g.keyring'
    run(ceph_keyring, dict(keyrings=[item(glance)]))
    other = os.getuid() + 1
    result, failed = run(ceph_keyring, dict(keyrings=[dict(item(glance), owner=str(other))]), check=True)
    entry = result['keyrings'][0]
    assert not failed and entry['attributes_changed'] and not entry['content_changed']
    assert entry['found']['owner'] != str(other)
