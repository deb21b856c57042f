# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ceph_auth_check through its CLI path (the rados binding's path runs in the lab)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_auth_check
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key

KEY = fake_key('aes', b'K')
REFUSED = ('2026-12-06T21:00:00.000+0000 7f 0 monclient(hunting): handle_auth_bad_method server allowed_methods [2] '
           'but i only support [2]\n[errno 13] RADOS permission denied (error connecting to the cluster)')


@pytest.fixture
def cli(fake_cli, monkeypatch):
    monkeypatch.setattr(ceph_auth_check, 'HAS_RADOS', False)
    fake_cli.secrets = [KEY]
    return fake_cli


@pytest.fixture
def keyring(tmp_path):
    path = tmp_path / 'ceph.client.cinder.keyring'
    path.write_text('[client.cinder]\n\tkey = %s\n' % KEY)
    return str(path)


def test_a_keyring_the_monitors_take_is_accepted_and_nothing_changes(cli, run, keyring):
    cli.on('health', out='HEALTH_OK')
    result, failed = run(ceph_auth_check, dict(checks=[dict(entity='client.cinder', keyring=keyring)]), check=True)
    assert not failed and result['changed'] is False, result
    assert result['checks'] == [dict(entity='client.cinder', cluster='ceph', keyring=keyring, result='accepted', ok=True)]
    argv = cli.calls[0]['argv']
    assert argv[argv.index('--name') + 1] == 'client.cinder' and argv[argv.index('--keyring') + 1] == keyring


def test_caps_refusing_the_command_still_means_the_key_was_taken(cli, run, keyring):
    cli.on('health', rc=13, err='Error EACCES: access denied')
    result, failed = run(ceph_auth_check, dict(checks=[dict(entity='client.cinder', keyring=keyring)]))
    assert not failed and result['checks'][0]['result'] == 'accepted'


def test_a_given_old_key_is_proven_refused_from_a_private_file_that_is_then_removed(cli, run):
    seen = {}

    def refused():
        path = cli.calls[-1]['argv'][cli.calls[-1]['argv'].index('--keyring') + 1]
        seen['mode'] = oct(os.stat(path).st_mode & 0o777)
        seen['dir'] = oct(os.stat(os.path.dirname(path)).st_mode & 0o777)
        seen['path'] = path
        return None
    cli.on('health', rc=1, err=REFUSED)
    cli.answers[0] = (['health'], 1, refused, REFUSED)
    result, failed = run(ceph_auth_check, dict(checks=[dict(entity='client.cinder', key=KEY, expect='refused')]))
    assert not failed and result['checks'][0]['result'] == 'refused' and result['checks'][0]['keyring'] is None
    assert seen['mode'] == '0o600' and seen['dir'] == '0o700' and not os.path.exists(seen['path'])
    assert KEY not in str(result)


def test_a_key_not_as_expected_fails_naming_the_user_and_the_file(cli, run, keyring):
    cli.on('health', rc=1, err=REFUSED)
    result, failed = run(ceph_auth_check, dict(checks=[dict(entity='client.cinder', cluster='dr', keyring=keyring)]))
    assert failed and 'client.cinder on cluster dr with %s was refused, not accepted' % keyring in result['msg']


def test_an_unreachable_cluster_is_neither_accepted_nor_refused(cli, run, keyring):
    cli.on('health', rc=1, err='[errno 110] RADOS timed out (error connecting to the cluster)')
    result, failed = run(ceph_auth_check, dict(checks=[dict(entity='client.cinder', keyring=keyring, expect='refused')]))
    assert failed and 'was unreachable, not refused' in result['msg']


@pytest.mark.parametrize('check, message', [
    (dict(entity='client.cinder'), 'give exactly one of keyring and key'),
    (dict(entity='client cinder', key=KEY), 'is not a cephx entity'),
    (dict(entity='client.cinder', key='not-a-key'), 'checks[0] (client.cinder): key is not a valid cephx key'),
    (dict(entity='client.cinder', keyring='/nonexistent/k'), 'is not a file on this host'),
    (dict(entity='client.cinder', cluster='../etc', key=KEY), 'cluster must be a cluster name'),
])
def test_bad_input_is_refused_before_any_connection(cli, run, check, message):
    result, failed = run(ceph_auth_check, dict(checks=[check]))
    assert failed and message in result['msg'] and not cli.calls, result
