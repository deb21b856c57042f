# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ceph_key against a real cluster; state is read back with `ceph auth get` and os.stat."""

import os
import pwd
import stat
import subprocess

from ceph_lab import converge, run_module
from cephx_keys import is_cephx_key

GLANCE_CAPS = {'mon': 'profile rbd', 'osd': 'profile rbd pool=images', 'mgr': 'profile rbd pool=images'}


def fresh_key():
    return subprocess.run(['ceph-authtool', '--gen-print-key'], capture_output=True, text=True,
                          check=True).stdout.strip()


def key_args(cluster, **kwargs):
    args = dict(cluster.client_args)
    args.update(kwargs)
    return args


def test_create_with_caps_and_converge(cluster):
    args = key_args(cluster, name='client.glance', caps=GLANCE_CAPS)

    def expect(entity):
        assert entity is not None and entity['caps'] == GLANCE_CAPS
        assert is_cephx_key(entity['key']), 'a cephx key of either type (aes AQ...==, aes256k Ag...=)'

    converge('ceph_key', args, lambda: cluster.auth('client.glance'), expect)


def test_caps_drift_is_fixed_without_a_new_key(cluster):
    args = key_args(cluster, name='client.drifty', caps=GLANCE_CAPS)
    assert run_module('ceph_key', args)['changed'] is True
    key = cluster.auth('client.drifty')['key']
    cluster.ceph('auth', 'caps', 'client.drifty', 'mon', 'allow r', 'osd', 'allow *')
    probe = run_module('ceph_key', args, check=True)
    assert probe['changed'] is True
    assert probe['diff']['before']['caps']['osd'] == 'allow *'
    assert cluster.auth('client.drifty')['caps']['osd'] == 'allow *', 'check mode must not fix the drift'
    assert run_module('ceph_key', args)['changed'] is True
    entity = cluster.auth('client.drifty')
    assert entity['caps'] == GLANCE_CAPS
    assert entity['key'] == key, 'fixing caps must not regenerate the key'
    assert run_module('ceph_key', args)['changed'] is False


def test_keyring_file_owner_mode_and_content_drift(cluster, tmp_path):
    os.chmod(str(tmp_path), 0o755)
    dest = tmp_path / 'ceph.client.cinder.keyring'
    args = key_args(cluster, name='client.cinder', caps={'mon': 'profile rbd', 'osd': 'profile rbd pool=volumes'},
                    dest=str(dest), owner='nobody', group='nogroup', mode='0640')

    def expect(state):
        content, mode, uid = state
        assert content == '[client.cinder]\n\tkey = %s\n' % cluster.auth('client.cinder')['key']
        assert mode == 0o640 and uid == pwd.getpwnam('nobody').pw_uid

    def read():
        if not dest.exists():
            return None
        st = dest.stat()
        return dest.read_text(), stat.S_IMODE(st.st_mode), st.st_uid

    converge('ceph_key', args, read, expect)
    # Content drift, same owner and mode: rewritten.
    dest.write_text('[client.cinder]\n\tkey = %s\n' % fresh_key())
    assert run_module('ceph_key', args)['changed'] is True
    expect(read())
    # Mode drift: corrected.
    os.chmod(str(dest), 0o644)
    assert run_module('ceph_key', args)['changed'] is True
    expect(read())
    assert run_module('ceph_key', args)['changed'] is False


def test_loose_keyring_mode_is_refused(cluster, tmp_path):
    result = run_module('ceph_key', key_args(cluster, name='client.loose', dest=str(tmp_path / 'k'), mode='0644'))
    assert result.get('failed') and 'mode' in result['msg']
    assert cluster.auth('client.loose') is None
    assert not (tmp_path / 'k').exists()


def test_given_secret_is_imported_and_replaced(cluster):
    first = fresh_key()
    args = key_args(cluster, name='client.vaulted', secret=first, caps={'mon': 'profile rbd'})
    converge('ceph_key', args, lambda: cluster.auth('client.vaulted'),
             lambda entity: entity['key'] == first and entity['caps'] == {'mon': 'profile rbd'})
    second = fresh_key()
    args['secret'] = second
    result = run_module('ceph_key', args)
    assert result['changed'] is True
    assert cluster.auth('client.vaulted')['key'] == second
    assert first not in result.output and second not in result.output


def test_absent(cluster):
    assert run_module('ceph_key', key_args(cluster, name='client.doomed', caps={'mon': 'allow r'}))['changed']
    converge('ceph_key', key_args(cluster, name='client.doomed', state='absent'),
             lambda: cluster.auth('client.doomed'), lambda entity: entity is None)


def test_return_key_only_when_asked_and_never_in_output(cluster):
    assert run_module('ceph_key', key_args(cluster, name='client.quiet', caps={'mon': 'allow r'}))['changed']
    key = cluster.auth('client.quiet')['key']
    plain = run_module('ceph_key', key_args(cluster, name='client.quiet'))
    assert 'key' not in plain
    assert key not in plain.output
    asked = run_module('ceph_key', key_args(cluster, name='client.quiet', return_key=True), no_log=True)
    assert key not in asked.output
    # The default callback at the highest verbosity, with the secret going in as well.
    loud = run_module('ceph_key', key_args(cluster, name='client.quiet', secret=key, return_key=True),
                      no_log=True, verbosity=4, callback='default')
    assert 'module under test' in loud.output
    assert key not in loud.output


def test_bad_input_fails_clearly_and_changes_nothing(cluster):
    before = cluster.snapshot()
    cases = [
        (dict(name='glance'), 'name'),
        (dict(name='client.bad', caps={'foo': 'allow r'}), 'caps'),
        (dict(name='client.bad', secret='not-a-key'), 'secret'),
        (dict(name='client.bad', secret='QUJD'), 'secret'),
        (dict(name='client.bad', caps={'osd': 'bogus cap'}), 'caps'),
    ]
    for extra, word in cases:
        result = run_module('ceph_key', key_args(cluster, **extra))
        assert result.get('failed'), (extra, result)
        assert word in result['msg'] or word in result.get('stderr', ''), (extra, result['msg'])
        assert 'not-a-key' not in result.output or extra.get('secret') != 'not-a-key'
    assert cluster.snapshot() == before


def test_a_list_of_users_converges_with_one_read_and_no_key_in_output(cluster):
    cinder_caps = {'mon': 'profile rbd', 'osd': 'profile rbd pool=volumes'}
    users = [dict(name='client.list-glance', caps=GLANCE_CAPS), dict(name='client.list-cinder', caps=cinder_caps)]
    args = key_args(cluster, users=users)

    def read():
        return [cluster.auth(u['name']) for u in users]

    def expect(entities):
        assert [e['caps'] for e in entities] == [GLANCE_CAPS, cinder_caps]

    results = converge('ceph_key', args, read, expect)
    assert [u['changed'] for u in results[0]['users']] == [True, True]
    keys = [e['key'] for e in read()]
    # Caps drift on one user: only that one is fixed, and its key stays.
    cluster.ceph('auth', 'caps', 'client.list-cinder', 'mon', 'allow r')
    fixed = run_module('ceph_key', args, verbosity=4, callback='default')
    assert 'changed: [localhost]' in fixed.output
    assert [e['key'] for e in read()] == keys and read()[1]['caps'] == cinder_caps
    admin_key = cluster.auth('client.admin')['key']
    for key in keys + [admin_key]:
        assert key not in fixed.output
    # The keys as the ceph_context role reads them: in check mode, for a list with one user still missing.
    asked = run_module('ceph_key', key_args(cluster, users=users + [dict(name='client.list-missing')],
                                            return_key=True), check=True, no_log=True)
    assert not asked.get('failed') and cluster.auth('client.list-missing') is None
    for key in keys + [admin_key]:
        assert key not in asked.output


def test_a_secret_given_in_a_list_never_shows_even_without_no_log(cluster):
    secret = fresh_key()
    args = key_args(cluster, users=[dict(name='client.list-vault', secret=secret, caps={'mon': 'allow r'})])
    loud = run_module('ceph_key', args, verbosity=4, callback='default')
    assert 'changed: [localhost]' in loud.output
    assert cluster.auth('client.list-vault')['key'] == secret
    assert secret not in loud.output


# Hardening (issue 16): every bad input refused before anything changes, in check mode as in a real run.

def no_traceback(result):
    assert 'Traceback' not in result.output and 'MODULE FAILURE' not in result.output, result.output


def auth_dump(cluster):
    """Every entity with its key and caps (what ceph_key can change; the mgr may add a pool of its own
    to a cluster just started, so pools are left out)."""
    return cluster.json('ceph', 'auth', 'ls')


def entity_names(cluster):
    return [e['entity'] for e in cluster.json('ceph', 'auth', 'ls')['auth_dump']]


def test_an_entity_name_with_a_newline_is_refused_and_not_created(cluster):
    before = auth_dump(cluster)
    for check in (True, False):
        for args in (dict(name='client.int-nl\n', caps={'mon': 'allow r'}),
                     dict(users=[dict(name='client.int-nl-ok', caps={'mon': 'allow r'}),
                                 dict(name='client.int-nl\n', caps={'mon': 'allow r'})])):
            result = run_module('ceph_key', key_args(cluster, **args), check=check)
            assert result.get('failed') and 'name' in result['msg'] and 'client.int-nl\\n' in result['msg'], result
            no_traceback(result)
    assert not [e for e in entity_names(cluster) if e.startswith('client.int-nl')]
    assert auth_dump(cluster) == before


def test_a_newline_in_a_cap_string_is_refused(cluster):
    before = auth_dump(cluster)
    # Used to be folded into a space and created; with a secret it went into the keyring text fed to
    # 'ceph auth import', one line per cap.
    caps = {'mon': 'profile rbd', 'osd': 'profile rbd pool=images\n'}
    for check in (True, False):
        for args in (dict(name='client.int-capnl', caps=caps, secret=fresh_key()),
                     dict(users=[dict(name='client.int-capnl-ok', caps={'mon': 'allow r'}),
                                 dict(name='client.int-capnl', caps=caps)])):
            result = run_module('ceph_key', key_args(cluster, **args), check=check)
            assert result.get('failed') and 'caps.osd' in result['msg'], result
            no_traceback(result)
    assert cluster.auth('client.int-capnl') is None and cluster.auth('client.int-capnl-ok') is None
    assert auth_dump(cluster) == before


def test_keyring_file_problems_fail_before_the_user_is_created(cluster, tmp_path):
    # (Control characters and bad modes are refused by the same local check: unit tests.)
    os.chmod(str(tmp_path), 0o755)
    cases = [
        (dict(dest=str(tmp_path / 'missing' / 'k')), ['dest', 'does not exist']),
        (dict(dest=str(tmp_path)), ['dest', 'is a directory']),
        (dict(dest=str(tmp_path / 'k'), owner='no-such-user-int'), ['owner', 'does not exist']),
        (dict(dest=str(tmp_path / 'k'), group='no-such-group-int'), ['group', 'does not exist']),
    ]
    before = auth_dump(cluster)
    for extra, words in cases:
        for check in (True, False):
            result = run_module('ceph_key', key_args(cluster, name='client.int-dest', caps={'mon': 'allow r'},
                                                     **extra), check=check)
            no_traceback(result)
            assert cluster.auth('client.int-dest') is None, (extra, check)
            if check and 'does not exist' in words:
                # An earlier task of the play may create the directory, owner or group (a package):
                # check mode warns and predicts; the real run below fails before the user is created.
                assert not result.get('failed') and result['changed'] is True, (extra, result)
                assert any(all(w in warning for w in words) for warning in result.get('warnings', [])), result
                continue
            assert result.get('failed') and all(w in result['msg'] for w in words), (extra, result)
    assert os.listdir(str(tmp_path)) == []
    assert auth_dump(cluster) == before


def test_state_absent_with_dest_a_directory_is_refused_and_the_user_kept(cluster, tmp_path):
    assert run_module('ceph_key', key_args(cluster, name='client.int-keep', caps={'mon': 'allow r'}))['changed']
    kept = cluster.auth('client.int-keep')
    for check in (True, False):
        result = run_module('ceph_key', key_args(cluster, name='client.int-keep', state='absent', dest=str(tmp_path)),
                            check=check)
        assert result.get('failed') and 'dest' in result['msg'] and 'is a directory' in result['msg'], result
        no_traceback(result)
    assert cluster.auth('client.int-keep') == kept and tmp_path.is_dir()


def test_keyring_path_a_directory_is_refused_and_no_file_is_touched(cluster, tmp_path):
    key = fresh_key()
    first = tmp_path / 'ceph.client.first.keyring'
    (tmp_path / 'ceph').mkdir()
    keyrings = [dict(path=str(first), entity='client.first', key=key),
                dict(path=str(tmp_path / 'ceph'), entity='client.second', key=key)]
    for check in (True, False):
        result = run_module('ceph_keyring', dict(keyrings=keyrings), check=check)
        assert result.get('failed') and 'keyrings[1]' in result['msg'] and 'is a directory' in result['msg'], result
        no_traceback(result)
        assert key not in result.output
    assert sorted(os.listdir(str(tmp_path))) == ['ceph'] and os.listdir(str(tmp_path / 'ceph')) == []


def test_empty_caps_on_an_entity_with_caps_fails_the_same_in_both_modes(cluster):
    assert run_module('ceph_key', key_args(cluster, name='client.int-nocaps', caps={'mon': 'allow r'}))['changed']
    kept = cluster.auth('client.int-nocaps')
    # What Ceph itself says to 'auth caps' without caps: the module cannot take every cap away in place.
    proc = cluster.run('ceph', 'auth', 'caps', 'client.int-nocaps')
    assert proc.returncode != 0
    results = [run_module('ceph_key', key_args(cluster, name='client.int-nocaps', caps={}), check=check)
               for check in (True, False)]
    for result in results:
        assert result.get('failed') and 'caps: {}' in result['msg'], result
        no_traceback(result)
    assert results[0]['msg'] == results[1]['msg']
    assert cluster.auth('client.int-nocaps') == kept


def test_a_new_entity_with_empty_caps_or_a_secret_and_no_caps_is_created(cluster):
    # Ceph's 'auth import' refuses an entry without caps; check mode and the real run agree that it works.
    secret = fresh_key()
    bare = {'entity': 'client.int-bare', 'key': secret, 'caps': {}}
    converge('ceph_key', key_args(cluster, name='client.int-bare', secret=secret),
             lambda: cluster.auth('client.int-bare'), lambda e: e == bare)
    converge('ceph_key', key_args(cluster, name='client.int-empty', caps={}),
             lambda: cluster.auth('client.int-empty'), lambda e: e is not None and e['caps'] == {})


def test_a_new_key_for_an_entity_without_caps_fails_the_same_in_both_modes(cluster):
    first = fresh_key()
    assert run_module('ceph_key', key_args(cluster, name='client.int-bare2', secret=first))['changed']
    second = fresh_key()
    results = [run_module('ceph_key', key_args(cluster, name='client.int-bare2', secret=second), check=check)
               for check in (True, False)]
    for result in results:
        assert result.get('failed') and 'secret' in result['msg'] and 'caps' in result['msg'], result
        no_traceback(result)
        assert first not in result.output and second not in result.output
    assert cluster.auth('client.int-bare2')['key'] == first
    # With caps, the new key goes in.
    assert run_module('ceph_key', key_args(cluster, name='client.int-bare2', secret=second,
                                           caps={'mon': 'allow r'}))['changed']
    assert cluster.auth('client.int-bare2') == {'entity': 'client.int-bare2', 'key': second,
                                                'caps': {'mon': 'allow r'}}


def test_a_later_item_the_cluster_would_refuse_fails_before_the_first_write(cluster):
    assert run_module('ceph_key', key_args(cluster, name='client.int-later', caps={'mon': 'allow r'}))['changed']
    before = auth_dump(cluster)
    users = [dict(name='client.int-later-new', caps={'mon': 'allow r'}), dict(name='client.int-later', caps={})]
    for check in (True, False):
        result = run_module('ceph_key', key_args(cluster, users=users), check=check)
        assert result.get('failed') and 'users[1] (client.int-later)' in result['msg'], result
    assert cluster.auth('client.int-later-new') is None
    assert auth_dump(cluster) == before
