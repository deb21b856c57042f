# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type
# The keys below are fake test values, built at run time from fixed bytes.

import base64

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import virsh_secret

UUID = '457eb676-33da-42ec-9a8c-9293d545c337'
KEY_A = base64.b64encode(b'\x01' * 12 + b'A' * 16).decode()
KEY_B = base64.b64encode(b'\x01' * 12 + b'B' * 16).decode()
XML = ("<secret ephemeral='no' private='%s'>\n  <uuid>" + UUID + "</uuid>\n  <usage type='ceph'>\n"
       "    <name>client.cinder secret</name>\n  </usage>\n</secret>\n")
READ = 'secret-dumpxml %s; secret-get-value %s' % (UUID, UUID)


@pytest.fixture
def cli(fake_cli):
    fake_cli.secrets = [KEY_A, KEY_B]
    return fake_cli


def args(**kw):
    base = dict(uuid=UUID, usage_name='client.cinder secret', value=KEY_A)
    base.update(kw)
    return base


def test_unchanged_secret_is_one_virsh_process(cli, run):
    cli.on([READ], out=(XML % 'no') + KEY_A)
    result, failed = run(virsh_secret, args())
    assert not failed and result['changed'] is False
    assert len(cli.calls) == 1
    assert KEY_A not in str(result)


def test_new_secret_defined_and_value_set_on_stdin(cli, run):
    cli.on([READ], rc=1, err="error: Secret not found: no secret with matching uuid '%s'" % UUID)
    cli.on('secret-define').on('secret-set-value')
    result, failed = run(virsh_secret, args())
    assert result['changed'] is True
    define, setval = cli.calls[1], cli.calls[2]
    assert define['words'] == ['secret-define', '--file', '/dev/stdin'] and UUID in define['data']
    assert setval['words'] == ['secret-set-value', '--secret', UUID, '--file', '/dev/stdin']
    assert setval['data'] == KEY_A


def test_check_mode_only_reads(cli, run):
    cli.on([READ], rc=1, err="error: Secret not found: no secret with matching uuid '%s'" % UUID)
    result, failed = run(virsh_secret, args(), check=True)
    assert result['changed'] is True and len(cli.calls) == 1


def test_changed_value_is_set_without_redefining(cli, run):
    cli.on([READ], out=(XML % 'no') + KEY_B).on('secret-set-value')
    result, failed = run(virsh_secret, args())
    assert result['changed'] is True
    assert [c['words'][0] for c in cli.calls] == [READ, 'secret-set-value']
    assert KEY_A not in str(result['diff']) and KEY_B not in str(result['diff'])


def test_private_secret_value_is_not_rewritten(cli, run):
    cli.on([READ], rc=1, out=XML % 'yes', err='error: Invalid secret: secret is private')
    result, failed = run(virsh_secret, args(private=True))
    assert result['changed'] is False and len(cli.calls) == 1
    cli.on('secret-set-value')
    forced, failed = run(virsh_secret, args(private=True, update_private_value=True))
    assert forced['changed'] is True


def test_private_flag_change_redefines(cli, run):
    cli.on([READ], rc=1, out=XML % 'yes', err='error: Invalid secret: secret is private')
    cli.on('secret-undefine').on('secret-define').on('secret-set-value')
    result, failed = run(virsh_secret, args(private=False))
    assert [c['words'][0] for c in cli.calls] == [READ, 'secret-undefine', 'secret-define', 'secret-set-value']


@pytest.mark.parametrize('kw, word', [
    (dict(uuid='nope'), 'uuid'),
    (dict(value='AQ=='), 'value'),
    (dict(value='not base64!'), 'value'),
    (dict(usage_name=' '), 'usage_name'),
])
def test_bad_input(cli, run, kw, word):
    result, failed = run(virsh_secret, args(**kw))
    assert failed and word in result['msg'] and cli.calls == []
