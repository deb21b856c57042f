# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: audit_report
short_description: Writes the drift audit's findings as a JSON report, JUnit XML or a list of drifts
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    Turns the findings of C(playbooks/audit.yml), V({host, check, item, ok, detail}) records made by
    P(openstack_ceph.rbd.audit_findings#filter), into the text of one of its outputs.
  - >-
    V(json), the report. An object with C(title), C(generated) (O(generated)), C(complete) (O(complete)), C(ok)
    (complete and no finding drifted), C(summary) (C(findings), C(drifted), C(hosts)), C(checks) (each check
    found, in the audit's order, with the question it asks and its counts of C(findings) and C(drifted)) and
    C(findings), sorted by check, host and item.
  - >-
    V(junit), JUnit XML for a CI system. One C(testsuite) per check, one C(testcase) per check and host (its
    C(classname) the check, its C(name) the host). A test case fails (a C(failure) element of type C(drift))
    when one of its items drifted; the failure's text lists the items that drifted with what differs, and
    C(system-out) every item compared. An incomplete audit (O(complete=false)) is one failing test case
    C(audit)/C(run).
  - >-
    V(text), the drifts one per line, C(host check item: detail), for a failure message; or one line saying
    that nothing drifted, or that the audit did not finish.
  - >-
    The report never holds a key. A finding whose host, check, item or detail holds a cephx key (of either
    type) is refused with an error that names its check and host and shows nothing of it. A finding that is
    not such a record is refused too.
positional: format
options:
  _input:
    description: The findings, V({host, check, item, ok, detail}); C(host), C(check), C(item) and C(detail) are strings, C(ok) a boolean.
    type: list
    elements: dict
    required: true
  format:
    description: Which text to make.
    type: str
    choices: [json, junit, text]
    default: json
  generated:
    description: When the audit ran, as it is to be shown (for example C(now(utc=true).isoformat())).
    type: str
  complete:
    description: V(false) while the audit has not finished (a placeholder report, replaced once it has).
    type: bool
    default: true
  title:
    description: The report's title, and the JUnit C(testsuites) name.
    type: str
    default: openstack_ceph.rbd drift audit
'''

EXAMPLES = r'''
- name: Write the report and the JUnit XML on the controller
  ansible.builtin.copy:
    content: "{{ findings | openstack_ceph.rbd.audit_report(item, generated=now(utc=true).isoformat()) }}"
    dest: "{{ audit_dir }}/openstack-ceph-audit.{{ {'json': 'json', 'junit': 'xml'}[item] }}"
    mode: '0644'
  loop: [json, junit]
  delegate_to: localhost
  run_once: true

- name: Fail, listing the drifts
  ansible.builtin.fail:
    msg: "{{ findings | openstack_ceph.rbd.audit_report('text') }}"
  when: findings | rejectattr('ok') | list | length > 0
'''

RETURN = r'''
_value:
  description: The JSON document, the JUnit XML document or the lines of text, ending with a newline.
  type: str
'''

import json
import re
import xml.etree.ElementTree as ET

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

from ansible_collections.openstack_ceph.rbd.plugins.filter.audit_findings import CHECKS
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import cephx_key_problem

FIELDS = ('host', 'check', 'item', 'detail')
FORMATS = ('json', 'junit', 'text')
# Base64 runs as long as a cephx key of either type (40 characters 'AQ...==', 60 'Ag...='): each is
# then decoded and told by its structure, so other base64 text of that length is not mistaken for one.
KEY_CANDIDATE_RE = re.compile(r'(?<![A-Za-z0-9+/])(?:A[A-Za-z0-9+/]{37}==|A[A-Za-z0-9+/]{58}=)(?![A-Za-z0-9+/=])')
NOT_FINISHED = "the audit did not finish: the run stopped before it wrote its findings (see the run's output)"


def holds_key(text):
    return any(cephx_key_problem(candidate, 'key')[2] is None for candidate in KEY_CANDIDATE_RE.findall(text))


def checked(findings):
    if not isinstance(findings, (list, tuple)):
        raise AnsibleFilterError('audit_report: the input must be the list of findings, not %s.' % type(findings).__name__)
    for index, record in enumerate(findings):
        if not isinstance(record, Mapping) or set(record) != set(FIELDS + ('ok',)):
            raise AnsibleFilterError('audit_report: finding %d must be {host, check, item, ok, detail}, got keys %s.'
                                     % (index, ', '.join(sorted(str(k) for k in record)) if isinstance(record, Mapping)
                                        else type(record).__name__))
        if not all(isinstance(record[f], string_types) for f in FIELDS) or not isinstance(record['ok'], bool):
            raise AnsibleFilterError('audit_report: finding %d: host, check, item and detail must be strings and ok a '
                                     'boolean.' % index)
        keyed = [f for f in FIELDS if holds_key(record[f])]
        if keyed:
            named = ' '.join('%s %s' % (f, record[f]) for f in ('check', 'host') if f not in keyed)
            raise AnsibleFilterError('audit_report: finding %d%s holds a cephx key in its %s; the report never holds keys, '
                                     'so it is refused.' % (index, ' (%s)' % named if named else '', ' and '.join(keyed)))
    order = [name for name, dummy in CHECKS]
    rank = dict((name, index) for index, name in enumerate(order))
    return sorted(findings, key=lambda r: (rank.get(r['check'], len(order)), r['check'], r['host'], r['item']))


def check_names(findings):
    questions = dict(CHECKS)
    names = []
    for record in findings:
        if record['check'] not in names:
            names.append(record['check'])
    return [(name, questions.get(name, '')) for name in names]


def json_report(findings, generated, complete, title):
    hosts = sorted(set(r['host'] for r in findings))
    drifted = [r for r in findings if not r['ok']]
    checks = [{'check': name, 'question': question,
               'findings': len([r for r in findings if r['check'] == name]),
               'drifted': len([r for r in drifted if r['check'] == name])} for name, question in check_names(findings)]
    report = {'title': title, 'generated': generated, 'complete': complete, 'ok': complete and not drifted,
              'summary': {'findings': len(findings), 'drifted': len(drifted), 'hosts': hosts},
              'checks': checks, 'findings': [dict((k, r[k]) for k in ('host', 'check', 'item', 'ok', 'detail'))
                                             for r in findings]}
    if not complete:
        report['error'] = NOT_FINISHED
    return json.dumps(report, indent=2) + '\n'


def junit_report(findings, generated, complete, title):
    suites = ET.Element('testsuites', name=title)
    if generated:
        suites.set('timestamp', generated)
    total = failures = 0
    groups = [('audit', [('run', [])])] if not complete else []
    for name in [check for check, question in check_names(findings)]:
        of_check = [r for r in findings if r['check'] == name]
        hosts = sorted(set(r['host'] for r in of_check))
        groups.append((name, [(host, [r for r in of_check if r['host'] == host]) for host in hosts]))
    questions = dict(CHECKS)
    for name, hosts in groups:
        suite = ET.SubElement(suites, 'testsuite', name=name)
        if questions.get(name):
            properties = ET.SubElement(suite, 'properties')
            ET.SubElement(properties, 'property', name='question', value=questions[name])
        suite_failures = 0
        for host, records in hosts:
            case = ET.SubElement(suite, 'testcase', classname=name, name=host)
            drifted = [r for r in records if not r['ok']]
            if name == 'audit':
                ET.SubElement(case, 'failure', message=NOT_FINISHED, type='incomplete').text = NOT_FINISHED
                suite_failures += 1
                continue
            if drifted:
                failure = ET.SubElement(case, 'failure', type='drift',
                                        message='%d of %d items drifted' % (len(drifted), len(records)))
                failure.text = '\n'.join('%s: %s' % (r['item'], r['detail']) for r in drifted)
                suite_failures += 1
            ET.SubElement(case, 'system-out').text = '\n'.join(
                '%s %s: %s' % ('ok   ' if r['ok'] else 'DRIFT', r['item'], r['detail']) for r in records)
        suite.set('tests', str(len(hosts)))
        suite.set('failures', str(suite_failures))
        suite.set('errors', '0')
        total += len(hosts)
        failures += suite_failures
    suites.set('tests', str(total))
    suites.set('failures', str(failures))
    suites.set('errors', '0')
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding='unicode') + '\n'


def text_report(findings, complete):
    if not complete:
        return NOT_FINISHED + '\n'
    drifted = [r for r in findings if not r['ok']]
    if not drifted:
        hosts = len(set(r['host'] for r in findings))
        return 'No drift: %d finding%s on %d host%s, all as declared.\n' % (
            len(findings), '' if len(findings) == 1 else 's', hosts, '' if hosts == 1 else 's')
    return ''.join('%s %s %s: %s\n' % (r['host'], r['check'], r['item'], r['detail']) for r in drifted)


def audit_report(findings, format='json', generated=None, complete=True, title='openstack_ceph.rbd drift audit'):
    """The findings as the JSON report, JUnit XML or text; see DOCUMENTATION."""
    if format not in FORMATS:
        raise AnsibleFilterError('audit_report: format must be one of %s, got %r.' % (', '.join(FORMATS), format))
    if generated is not None and not isinstance(generated, string_types):
        generated = str(generated)
    findings = checked(findings)
    complete = bool(complete)
    if format == 'json':
        return json_report(findings, generated, complete, title)
    if format == 'junit':
        return junit_report(findings, generated, complete, title)
    return text_report(findings, complete)


class FilterModule(object):
    def filters(self):
        return {'audit_report': audit_report}
