# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type
# The keys below are fake test values, built at run time from fixed bytes.

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import virsh_secret
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key, find_keys

UUID = '457eb676-33da-42ec-9a8c-9293d545c337'
KEY_A = fake_key('aes', b'A')
KEY_B = fake_key('aes', b'B')
XML = ("<secret ephemeral='no' private='%s'>\n  <uuid>" + UUID + "</uuid>\n  <usage type='ceph'>\n"
       "    <name>client.cinder secret</name>\n  </usage>\n</secret>\n")
READ = 'secret-list; secret-dumpxml %s; secret-get-value %s' % (UUID, UUID)


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


# Issue 16: bad input refused before anything runs, a usage name taken by another secret refused before
# anything changes, and a failed replacement puts the old secret back.

OTHER = '11111111-2222-3333-4444-555555555555'
LIST = " %s   ceph client.cinder secret\n" % UUID
TAKEN = " %s   ceph client.glance secret\n" % OTHER
MISSING_ERR = "error: failed to get secret '%s'\nerror: Secret not found: no secret with matching uuid '%s'" % (UUID, UUID)


def scripted(cli, words, answers):
    """Answer the commands starting with words from answers (rc, out, err), in order, then as registered."""
    original = cli.run_command
    queue = list(answers)

    def run_command(argv, data=None, **kwargs):
        result = original(argv, data=data, **kwargs)
        if cli.calls[-1]['words'][:len(words)] == words and queue:
            return queue.pop(0)
        return result
    cli.run_command = run_command


@pytest.mark.parametrize('kw, word', [
    (dict(uuid=UUID + '\n'), 'uuid'),
    (dict(uuid=' ' + UUID), 'uuid'),
    (dict(uuid=''), 'uuid'),
    (dict(usage_name='client.cinder secret\n'), 'usage_name'),
    (dict(usage_name='client\tcinder'), 'usage_name'),
    (dict(usage_name=' client.cinder secret'), 'usage_name'),
    (dict(usage_name='client.cinder secret '), 'usage_name'),
    (dict(usage_name=''), 'usage_name'),
    (dict(usage_name=u'cl\u00efent secret'), 'usage_name'),
    (dict(usage_name=u'a\u2028b'), 'usage_name'),
    (dict(description='line one\nline two'), 'description'),
    (dict(description='nul\x00'), 'description'),
    (dict(description=u'bad \ufffe'), 'description'),
    (dict(uri='qemu:///system\n'), 'uri'),
    (dict(cli_prefix=['docker', 'exec\n']), 'cli_prefix[1]'),
    (dict(value=''), 'value'),
    (dict(value=u'\u00e9t\u00e9'), 'value'),
])
def test_bad_input_refused_before_any_virsh(cli, run, kw, word):
    for check in (False, True):
        result, failed = run(virsh_secret, args(**kw), check=check)
        assert failed and word in result['msg'], result
        assert cli.calls == []


def test_uuid_with_trailing_newline_is_refused_by_check_uuid():
    from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import UUID_RE
    assert UUID_RE.match(UUID) and not UUID_RE.match(UUID + '\n')


@pytest.mark.parametrize('kw', [
    dict(usage_name='x' * 100000),
    dict(description=u'\u00fcnic\u00f6de \u2603 ' * 1000),
    dict(usage_name='a/b@c <&> "quoted" \'single\''),
])
def test_odd_but_valid_input_is_defined_without_traceback(cli, run, kw):
    cli.on([READ], rc=1, err=MISSING_ERR).on('secret-define').on('secret-set-value')
    result, failed = run(virsh_secret, args(**kw))
    assert not failed and result['changed'] is True
    assert cli.calls[1]['data'].startswith('<secret')


def test_usage_change_to_a_taken_name_fails_before_anything_changes(cli, run):
    cli.on([READ], out=LIST + TAKEN + (XML % 'no') + KEY_A)
    for check in (True, False):
        result, failed = run(virsh_secret, args(usage_name='client.glance secret'), check=check)
        assert failed and OTHER in result['msg'] and 'usage_name' in result['msg'], result
        assert [c['words'][0] for c in cli.calls] == [READ], 'nothing may run after the read'
        del cli.calls[:]


def test_new_secret_with_a_taken_usage_name_fails_before_anything_changes(cli, run):
    cli.on([READ], rc=1, out=TAKEN, err=MISSING_ERR)
    for check in (True, False):
        result, failed = run(virsh_secret, args(usage_name='client.glance secret'), check=check)
        assert failed and OTHER in result['msg']
        assert len(cli.calls) == 1
        del cli.calls[:]


def test_escaped_usage_names_in_the_list_are_read_back():
    listed = virsh_secret.parse_list(' %s   ceph back\\slash \\x5cx0a\n %s   volume /x/y\n' % (OTHER, UUID))
    assert listed == [(OTHER, 'ceph', 'back\\slash \\x0a'), (UUID, 'volume', '/x/y')]


def test_same_usage_on_another_usage_type_is_no_conflict(cli, run):
    cli.on([READ], rc=1, out=' %s   volume client.cinder secret\n' % OTHER, err=MISSING_ERR)
    cli.on('secret-define').on('secret-set-value')
    result, failed = run(virsh_secret, args())
    assert not failed and result['changed'] is True


def old_secret_is_put_back(cli, old_value):
    """The calls after the failed step: undefine, define the old XML, store the old value on stdin."""
    words = [c['words'][0] for c in cli.calls]
    assert words[-3:] == ['secret-undefine', 'secret-define', 'secret-set-value'], words
    assert cli.calls[-2]['data'] == (XML % 'no').strip()
    assert cli.calls[-1]['data'] == old_value
    assert cli.calls[-1]['words'] == ['secret-set-value', '--secret', UUID, '--file', '/dev/stdin']


def test_failed_define_after_undefine_puts_the_old_secret_back(cli, run):
    cli.on([READ], out=LIST + (XML % 'no') + KEY_B)
    cli.on('secret-undefine').on('secret-define').on('secret-set-value')
    err = "error: operation failed: a secret with UUID %s is already defined for use with client.new secret" % OTHER
    scripted(cli, ['secret-define'], [(1, '', err)])
    result, failed = run(virsh_secret, args(usage_name='client.new secret'))
    assert failed and 'put back' in result['msg'], result
    assert [c['words'][0] for c in cli.calls] == [READ, 'secret-undefine', 'secret-define',
                                                  'secret-undefine', 'secret-define', 'secret-set-value']
    old_secret_is_put_back(cli, KEY_B)
    assert KEY_A not in str(result) and KEY_B not in str(result)


def test_failed_value_after_redefine_puts_the_old_secret_back(cli, run):
    cli.on([READ], out=LIST + (XML % 'no') + KEY_B)
    cli.on('secret-undefine').on('secret-define').on('secret-set-value')
    scripted(cli, ['secret-set-value'], [(1, '', 'error: internal error: no space left')])
    result, failed = run(virsh_secret, args(usage_name='client.new secret'))
    assert failed and 'secret-set-value failed' in result['msg'] and 'put back' in result['msg'], result
    assert [c['words'][0] for c in cli.calls] == [READ, 'secret-undefine', 'secret-define', 'secret-set-value',
                                                  'secret-undefine', 'secret-define', 'secret-set-value']
    old_secret_is_put_back(cli, KEY_B)


def test_private_secret_is_put_back_with_the_given_value(cli, run):
    cli.on([READ], rc=1, out=LIST + (XML % 'yes'), err='error: Invalid secret: secret is private')
    cli.on('secret-undefine').on('secret-define').on('secret-set-value')
    scripted(cli, ['secret-define'], [(1, '', 'error: boom')])
    result, failed = run(virsh_secret, args(usage_name='client.new secret', private=True))
    assert failed and 'put back' in result['msg']
    assert cli.calls[-2]['data'] == (XML % 'yes').strip() and cli.calls[-1]['data'] == KEY_A


def test_failed_restore_says_so_with_the_old_xml_and_no_key(cli, run):
    cli.on([READ], out=LIST + (XML % 'no') + KEY_B)
    cli.on('secret-undefine').on('secret-define').on('secret-set-value')
    scripted(cli, ['secret-define'], [(1, '', 'error: boom'), (1, '', 'error: still boom')])
    result, failed = run(virsh_secret, args(usage_name='client.new secret'))
    assert failed and 'failed too' in result['msg'] and 'still boom' in result['msg']
    assert "<name>client.cinder secret</name>" in result['msg']
    assert KEY_A not in str(result) and KEY_B not in str(result)


def test_new_secret_whose_value_fails_is_undefined_again(cli, run):
    cli.on([READ], rc=1, err=MISSING_ERR).on('secret-define').on('secret-set-value', rc=1, err='error: boom')
    cli.on('secret-undefine')
    result, failed = run(virsh_secret, args())
    assert failed and 'undefined again' in result['msg']
    assert [c['words'][0] for c in cli.calls] == [READ, 'secret-define', 'secret-set-value', 'secret-undefine']


def test_unreadable_xml_is_a_clear_failure(cli, run):
    cli.on([READ], out='<secret ephemeral="no"><uuid>x</uuid>\n</secret>'.replace('<uuid>x</uuid>', '<uuid>x</uid>'))
    result, failed = run(virsh_secret, args())
    assert failed and 'could not be read' in result['msg']


def test_failed_secret_list_is_a_clear_failure(cli, run):
    cli.on([READ], rc=1, err='error: Failed to list secrets\nerror: access denied')
    result, failed = run(virsh_secret, args())
    assert failed and 'secret-list' in result['msg']


def test_absent_does_not_list(cli, run):
    cli.on(['secret-dumpxml %s' % UUID], out=XML % 'no').on('secret-undefine')
    result, failed = run(virsh_secret, dict(uuid=UUID, state='absent'))
    assert result['changed'] is True
    assert [c['words'][0] for c in cli.calls] == ['secret-dumpxml %s' % UUID, 'secret-undefine']


@pytest.mark.parametrize('value', [u'a\ud800', u'\udfff', u'x\uffff'])
def test_text_xml_cannot_hold_is_refused(value):
    assert 'XML' in virsh_secret.text_problem(value, 'description')


# Issue 11: all of a compute node's secrets (one per cluster and user) in one call and one virsh process.

DR = '2f638328-76cd-598e-a2ad-e5da58fe058f'
DR_XML = XML.replace(UUID, DR).replace('client.cinder secret', 'dr client.cinder secret')
MARK = '@@openstack-ceph-%s@@' % ('f' * 32)


class FixedUUID(object):
    hex = 'f' * 32


def list_read(*commands):
    """The one virsh word of a list read: each command followed by an echo of the marker."""
    return '; '.join('%s; echo %s' % (c, MARK) for c in ('secret-list',) + commands)


def two(**kw):
    base = dict(secrets=[dict(uuid=UUID, usage_name='client.cinder secret', value=KEY_A),
                         dict(uuid=DR, usage_name='dr client.cinder secret', value=KEY_B)])
    base.update(kw)
    return base


TWO_READ = list_read('secret-dumpxml ' + UUID, 'secret-get-value ' + UUID, 'secret-dumpxml ' + DR,
                     'secret-get-value ' + DR)
TWO_LIST = LIST + " %s   ceph dr client.cinder secret\n" % DR


@pytest.fixture
def marked(cli, monkeypatch):
    monkeypatch.setattr(virsh_secret.uuid_module, 'uuid4', FixedUUID)
    return cli


def test_a_list_of_unchanged_secrets_is_one_virsh_process(marked, run):
    marked.on([TWO_READ], out=MARK.join([TWO_LIST, XML % 'no', KEY_A, DR_XML % 'no', KEY_B, '']))
    result, failed = run(virsh_secret, two())
    assert not failed and result['changed'] is False, result
    assert len(marked.calls) == 1
    assert [s['usage_name'] for s in result['secrets']] == ['client.cinder secret', 'dr client.cinder secret']
    assert KEY_A not in str(result) and KEY_B not in str(result)


def test_a_list_defines_a_missing_secret_and_sets_a_changed_value(marked, run):
    err = "error: failed to get secret '%s'\nerror: Secret not found: no secret with matching uuid '%s'" % (UUID, UUID)
    marked.on([TWO_READ], out=MARK.join([" %s   ceph dr client.cinder secret\n" % DR, '', '', DR_XML % 'no', KEY_A, '']),
              err=err + '\n' + err)
    marked.on('secret-define').on('secret-set-value')
    result, failed = run(virsh_secret, two())
    assert not failed and result['changed'] is True
    assert [c['words'][:3] for c in marked.calls[1:]] == [
        ['secret-define', '--file', '/dev/stdin'], ['secret-set-value', '--secret', UUID],
        ['secret-set-value', '--secret', DR]]
    assert [c['data'] for c in marked.calls[2:]] == [KEY_A, KEY_B]
    assert len(result['diff']) == 2 and KEY_A not in str(result) and KEY_B not in str(result)


def test_a_list_in_check_mode_only_reads(marked, run):
    err = "error: Secret not found: no secret with matching uuid '%s'" % DR
    marked.on([TWO_READ], out=MARK.join([LIST, XML % 'no', KEY_B, '', '', '']), err=err)
    result, failed = run(virsh_secret, two(), check=True)
    assert not failed and result['changed'] is True and len(marked.calls) == 1


def test_a_secret_without_a_value_in_a_list_gets_one(marked, run):
    err = "error: Secret not found: secret '%s' does not have a value" % DR
    marked.on([TWO_READ], out=MARK.join([TWO_LIST, XML % 'no', KEY_A, DR_XML % 'no', '', '']), err=err)
    marked.on('secret-set-value')
    result, failed = run(virsh_secret, two())
    assert [c['words'][:3] for c in marked.calls[1:]] == [['secret-set-value', '--secret', DR]]


@pytest.mark.parametrize('change, words', [
    (lambda a: a['secrets'][1].update(uuid=UUID.upper()), ['secrets[1]', 'listed twice']),
    (lambda a: a['secrets'][1].update(usage_name='client.cinder secret'), ['secrets[1]', 'client.cinder secret', UUID]),
    (lambda a: a['secrets'][1].update(uuid='nope'), ['secrets[1]', 'uuid']),
    (lambda a: a['secrets'][1].update(value='AQ=='), ['secrets[1]', 'value']),
    (lambda a: a['secrets'][0].update(usage_name='x\n'), ['secrets[0]', 'usage_name']),
])
def test_a_bad_list_is_refused_before_anything_changes(marked, run, change, words):
    args = two()
    change(args)
    marked.on([TWO_READ], out=MARK.join([TWO_LIST, XML % 'no', KEY_B, DR_XML % 'no', KEY_A, '']))
    result, failed = run(virsh_secret, args)
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert len(marked.calls) <= 1, 'something was changed'


def test_a_failure_in_a_list_names_the_secrets_changed_before_it(marked, run):
    marked.on([TWO_READ], out=MARK.join([TWO_LIST, XML % 'no', KEY_B, DR_XML % 'no', KEY_A, '']))
    marked.on('secret-set-value')
    scripted(marked, ['secret-set-value'], [(0, '', ''), (1, '', 'error: boom')])
    result, failed = run(virsh_secret, two())
    assert failed and 'secrets[1] (%s)' % DR in result['msg'] and 'changed before it: %s' % UUID in result['msg']
    assert KEY_A not in str(result) and KEY_B not in str(result)


def test_a_list_read_that_stops_short_is_a_clear_failure(marked, run):
    marked.on([TWO_READ], rc=1, err='error: failed to connect to the hypervisor')
    result, failed = run(virsh_secret, two())
    assert failed and 'libvirt' in result['msg'], result['msg']


# Issue 12, item 7: values of type aes256k, stored only where QEMU's Ceph client can use them.

KEY_K = fake_key('aes256k', b'K')
OLD_CLIENT = 'install ok installed\t19.2.5-1bookworm\n'
NEW_CLIENT = 'install ok installed\t19.2.6-1bookworm\n'


@pytest.fixture
def node(cli, monkeypatch):
    from ansible_collections.openstack_ceph.rbd.plugins.module_utils import ceph_cli
    monkeypatch.setattr(ceph_cli.platform, 'node', lambda: 'compute-7')
    cli.secrets.append(KEY_K)
    return cli


def test_an_aes256k_value_is_stored_when_the_client_can_use_it(node, run):
    node.on([READ], out=(XML % 'no') + KEY_A).on('secret-set-value').on('dpkg-query', out=NEW_CLIENT)
    result, failed = run(virsh_secret, args(value=KEY_K))
    assert not failed and result['changed'] is True, result
    assert [c['words'][0] for c in node.calls] == [READ, 'dpkg-query', 'secret-set-value']
    assert node.calls[2]['data'] == KEY_K
    assert not find_keys(str(result))


def test_an_unchanged_aes256k_value_reads_no_version(node, run):
    node.on([READ], out=(XML % 'no') + KEY_K)
    result, failed = run(virsh_secret, args(value=KEY_K))
    assert not failed and result['changed'] is False and len(node.calls) == 1


def test_a_classic_value_never_reads_the_client_version(node, run):
    node.on([READ], out=(XML % 'no') + KEY_B).on('secret-set-value')
    result, failed = run(virsh_secret, args(value=KEY_A))
    assert not failed and result['changed'] is True
    assert not node.called('dpkg-query') and not node.called('rpm')


@pytest.mark.parametrize('check', [False, True])
def test_an_old_client_fails_naming_node_secret_and_version_before_anything_changes(node, run, check):
    node.on([READ], rc=1, err="error: Secret not found: no secret with matching uuid '%s'" % UUID)
    node.on('dpkg-query', out=OLD_CLIENT)
    result, failed = run(virsh_secret, args(value=KEY_K), check=check)
    assert failed, result
    for words in ('compute-7', 'secret %s (client.cinder secret)' % UUID, 'librados2 19.2.5-1bookworm', 'aes256k',
                  'Nothing was changed', 'key_type_check=warn'):
        assert words in result['msg'], result['msg']
    assert [c['words'][0] for c in node.calls] == [READ, 'dpkg-query']
    assert not find_keys(str(result))


def test_warn_mode_stores_the_value_and_warns(node, run):
    node.on([READ], out=(XML % 'no') + KEY_A).on('secret-set-value').on('dpkg-query', out=OLD_CLIENT)
    result, failed = run(virsh_secret, args(value=KEY_K, key_type_check='warn'))
    assert not failed and result['changed'] is True and node.called('secret-set-value')
    assert len(result['warnings']) == 1 and '19.2.5' in result['warnings'][0] and 'compute-7' in result['warnings'][0]


def test_skip_mode_reads_no_version(node, run):
    node.on([READ], out=(XML % 'no') + KEY_A).on('secret-set-value')
    result, failed = run(virsh_secret, args(value=KEY_K, key_type_check='skip'))
    assert not failed and result['changed'] is True and not node.called('dpkg-query')


def test_the_version_is_read_behind_the_cli_prefix_where_qemu_runs(node, run):
    node.on([READ], out=(XML % 'no') + KEY_A).on('secret-set-value')
    node.on('dpkg-query', rc=127, err='OCI runtime exec failed: exec: "dpkg-query": executable file not found in $PATH')
    node.on('rpm', out='18.2.4-1.el9\n')
    result, failed = run(virsh_secret, args(value=KEY_K, cli_prefix=['docker', 'exec', '-i', 'nova_libvirt']))
    assert failed and "compute-7 (through '/usr/bin/docker exec -i nova_libvirt')" in result['msg'], result['msg']
    assert 'librados2 18.2.4-1.el9' in result['msg']
    rpm = node.called('rpm')[0]['argv']
    assert rpm[:8] == ['/usr/bin/timeout', '-k', '5', '10', '/usr/bin/docker', 'exec', '-i', 'nova_libvirt']
    assert rpm[8:] == ['rpm', '-q', '--queryformat', '%{VERSION}-%{RELEASE}\n', 'librados2']
    assert not node.called('secret-set-value')


def test_a_list_reads_the_version_once_and_names_each_aes256k_secret(node, run, monkeypatch):
    monkeypatch.setattr(virsh_secret.uuid_module, 'uuid4', FixedUUID)
    node.on([TWO_READ], out=MARK.join([TWO_LIST, XML % 'no', KEY_A, DR_XML % 'no', KEY_A, '']))
    node.on('dpkg-query', out=OLD_CLIENT)
    secrets = [dict(uuid=UUID, usage_name='client.cinder secret', value=KEY_K),
               dict(uuid=DR, usage_name='dr client.cinder secret', value=KEY_K)]
    result, failed = run(virsh_secret, two(secrets=secrets))
    assert failed and len(node.called('dpkg-query')) == 1
    assert 'secret %s (client.cinder secret); secret %s (dr client.cinder secret)' % (UUID, DR) in result['msg']
    assert not node.called('secret-set-value')


@pytest.mark.parametrize('value, words', [
    (fake_key('aes256k', b'K', type_id=5), ['secrets[1]', 'value', 'not of a key type']),
    (fake_key('aes256k', b'K', length=16), ['secrets[1]', 'value', 'another length']),
    (fake_key('aes', b'K', extra=b'\n'), ['secrets[1]', 'value', '29 bytes']),
])
def test_a_malformed_value_in_a_list_is_refused_naming_the_item_never_the_value(node, run, value, words):
    node.secrets.append(value)
    secrets = [dict(uuid=UUID, usage_name='client.cinder secret', value=KEY_K),
               dict(uuid=DR, usage_name='dr client.cinder secret', value=value)]
    result, failed = run(virsh_secret, two(secrets=secrets))
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert value not in str(result) and node.calls == []


def test_a_list_returns_the_other_secrets_libvirt_holds_from_the_same_read(marked, run):
    orphan = '0b9d3c53-5d1e-4d5f-8f0e-0e5c2f3a6e01'
    listed = TWO_LIST + " %s   ceph ext client.cinder secret\n %s   volume /var/lib/x.img\n" % (orphan, OTHER)
    marked.on([TWO_READ], out=MARK.join([listed, XML % 'no', KEY_A, DR_XML % 'no', KEY_B, '']))
    for check in (True, False):
        result, failed = run(virsh_secret, two(), check=check)
        assert not failed and result['changed'] is False, result
        assert result['other_secrets'] == [
            dict(uuid=orphan, usage_type='ceph', usage_name='ext client.cinder secret'),
            dict(uuid=OTHER, usage_type='volume', usage_name='/var/lib/x.img')]
        assert len(marked.calls) == 1 and find_keys(str(result)) == []
        del marked.calls[:]


def test_an_empty_list_still_lists_the_secrets(marked, run):
    marked.on([list_read()], out=MARK.join([TWO_LIST, '']))
    result, failed = run(virsh_secret, dict(secrets=[]), check=True)
    assert not failed and result['changed'] is False and result['secrets'] == []
    assert [s['uuid'] for s in result['other_secrets']] == [UUID, DR]
