# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_report: the drift audit's findings as JSON, JUnit XML and text, never with a key."""

from __future__ import absolute_import, division, print_function

import json
import xml.etree.ElementTree as ET

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.audit_report import FilterModule, audit_report
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key


def finding(host, check, item, ok=True, detail='as declared'):
    return {'host': host, 'check': check, 'item': item, 'ok': ok, 'detail': detail}


FINDINGS = [
    finding('cmp', 'secret_orphans', 'libvirt'),
    finding('ctl', 'keyring_access', '/etc/ceph/ceph.client.glance.keyring', False, 'is glance:glance 0644, declared glance:glance 0640'),
    finding('ctl', 'keyring_access', '/etc/ceph/dr.client.glance.keyring'),
    finding('adm', 'caps', 'ceph client.glance'),
    finding('cmp', 'keyring_access', '/etc/ceph/ceph.client.cinder.keyring'),
    finding('adm', 'raw_images', 'ceph/images/b', False, 'is qcow2, not raw'),
    finding('adm', 'zz_custom', 'x'),
]


def test_registered_under_its_name():
    assert FilterModule().filters() == {'audit_report': audit_report}


def test_json_report_counts_and_sorts_by_check_host_and_item():
    report = json.loads(audit_report(FINDINGS, 'json', generated='2026-12-06T23:00:00+00:00'))
    assert report['ok'] is False and report['complete'] is True and report['generated'] == '2026-12-06T23:00:00+00:00'
    assert report['summary'] == {'findings': 7, 'drifted': 2, 'hosts': ['adm', 'cmp', 'ctl']}
    # The audit's order of checks, then any other check by name.
    assert [c['check'] for c in report['checks']] == ['caps', 'keyring_access', 'secret_orphans', 'raw_images', 'zz_custom']
    assert report['checks'][1] == {'check': 'keyring_access', 'question': 'each keyring file has the declared owner, group and mode',
                                   'findings': 3, 'drifted': 1}
    assert [(f['check'], f['host'], f['item']) for f in report['findings']][1:4] == [
        ('keyring_access', 'cmp', '/etc/ceph/ceph.client.cinder.keyring'),
        ('keyring_access', 'ctl', '/etc/ceph/ceph.client.glance.keyring'),
        ('keyring_access', 'ctl', '/etc/ceph/dr.client.glance.keyring')]
    assert set(report['findings'][0]) == {'host', 'check', 'item', 'ok', 'detail'}


def test_json_report_is_ok_only_when_complete_and_nothing_drifted():
    clean = [f for f in FINDINGS if f['ok']]
    assert json.loads(audit_report(clean))['ok'] is True
    unfinished = json.loads(audit_report([], 'json', complete=False))
    assert unfinished['ok'] is False and unfinished['complete'] is False and 'did not finish' in unfinished['error']


def test_junit_one_testcase_per_check_and_host_failing_on_drift():
    root = ET.fromstring(audit_report(FINDINGS, 'junit', generated='t0'))
    assert root.tag == 'testsuites' and root.get('timestamp') == 't0'
    assert (root.get('tests'), root.get('failures'), root.get('errors')) == ('6', '2', '0')
    suites = dict((s.get('name'), s) for s in root.findall('testsuite'))
    assert list(suites) == ['caps', 'keyring_access', 'secret_orphans', 'raw_images', 'zz_custom']
    cases = [(c.get('classname'), c.get('name')) for c in suites['keyring_access'].findall('testcase')]
    assert cases == [('keyring_access', 'cmp'), ('keyring_access', 'ctl')]
    assert suites['keyring_access'].get('tests') == '2' and suites['keyring_access'].get('failures') == '1'
    ctl = suites['keyring_access'].findall('testcase')[1]
    failure = ctl.find('failure')
    assert failure.get('type') == 'drift' and failure.get('message') == '1 of 2 items drifted'
    assert failure.text == '/etc/ceph/ceph.client.glance.keyring: is glance:glance 0644, declared glance:glance 0640'
    out = ctl.find('system-out').text.splitlines()
    assert out == ['DRIFT /etc/ceph/ceph.client.glance.keyring: is glance:glance 0644, declared glance:glance 0640',
                   'ok    /etc/ceph/dr.client.glance.keyring: as declared']
    assert suites['caps'].find('testcase').find('failure') is None
    assert suites['caps'].find('properties/property').get('value').startswith("each cephx user's capabilities")


def test_junit_of_an_unfinished_audit_is_one_failing_case():
    root = ET.fromstring(audit_report([], 'junit', complete=False))
    cases = root.findall('testsuite/testcase')
    assert [(c.get('classname'), c.get('name')) for c in cases] == [('audit', 'run')]
    assert cases[0].find('failure').get('type') == 'incomplete' and root.get('failures') == '1'


def test_junit_escapes_what_xml_cannot_hold_as_is():
    odd = [finding('h', 'config', '/etc/x.conf [a&b] <opt>', False, 'is not written as \'"<&>"\'')]
    root = ET.fromstring(audit_report(odd, 'junit'))
    assert root.find('testsuite/testcase/failure').text == '/etc/x.conf [a&b] <opt>: is not written as \'"<&>"\''


def test_text_lists_the_drifts_or_says_there_is_none():
    assert audit_report(FINDINGS, 'text') == (
        'ctl keyring_access /etc/ceph/ceph.client.glance.keyring: is glance:glance 0644, declared glance:glance 0640\n'
        'adm raw_images ceph/images/b: is qcow2, not raw\n')
    assert audit_report([f for f in FINDINGS if f['ok']], 'text') == 'No drift: 5 findings on 3 hosts, all as declared.\n'
    assert 'did not finish' in audit_report([], 'text', complete=False)
    assert audit_report(FINDINGS[:1], 'text') == 'No drift: 1 finding on 1 host, all as declared.\n'


@pytest.mark.parametrize('key_type', ['aes', 'aes256k'])
@pytest.mark.parametrize('field', ['host', 'check', 'item', 'detail'])
def test_a_finding_that_holds_a_key_is_refused_without_showing_it(key_type, field):
    key = fake_key(key_type, b'Z')
    bad = dict(finding('ctl', 'config', 'x'), **{field: 'oops %s here' % key})
    for output in ('json', 'junit', 'text'):
        with pytest.raises(AnsibleFilterError) as err:
            audit_report(FINDINGS + [bad], output)
        assert key not in str(err.value) and 'cephx key' in str(err.value)


def test_base64_that_is_not_a_key_is_not_mistaken_for_one():
    # 40 base64 characters of the right form whose header is not a cephx key's.
    text = 'A' + 'B' * 37 + '=='
    assert json.loads(audit_report([finding('h', 'config', 'x', True, text)]))['findings'][0]['detail'] == text


@pytest.mark.parametrize('findings, words', [
    ('nope', ['list of findings']),
    ([{'host': 'h'}], ['finding 0', 'host, check, item, ok, detail']),
    ([dict(finding('h', 'c', 'i'), ok='yes')], ['finding 0', 'boolean']),
    ([dict(finding('h', 'c', 'i'), extra=1)], ['finding 0', 'extra']),
    (['x'], ['finding 0']),
])
def test_bad_findings_are_refused(findings, words):
    with pytest.raises(AnsibleFilterError) as err:
        audit_report(findings)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_unknown_format_is_refused():
    with pytest.raises(AnsibleFilterError) as err:
        audit_report(FINDINGS, 'yaml')
    assert 'json, junit, text' in str(err.value)
