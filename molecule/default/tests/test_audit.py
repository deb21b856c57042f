# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/audit.yml against the real lab: clean after converge; each kind of drift injected by hand
is named by host, check and item, without a key in any output; site.yml then repairs what the
collection manages (proven with independent reads) and leaves alone what it does not manage (a qcow2
image, an orphan secret); once those are removed by hand, the audit is clean again. The lab is left as
it was found.

The baseline. The side effect step defines an external-mode secret "ext" on the compute node, from a
declaration of its own that the lab's inventory does not hold: for the inventory it is an orphan. The
runs here list it in openstack_ceph_audit_known_secrets, as an operator would a secret another
playbook manages, and the test checks that it is then reported, as known, and nothing else."""

import json
import os
import re
import time
from xml.etree import ElementTree

import pytest
import testinfra.utils.ansible_runner
from cephx_keys import find_keys, is_cephx_key
from lab_run import GLANCE, api, call, docker, playbook, wait_for

hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
CEPH, CONTROLLER, COMPUTE = 'osc-lab-ceph', 'osc-lab-controller', 'osc-lab-compute'
# The side effect's external-mode secret (molecule/default/side_effect.yml).
EXT_SECRET = '0b9d3c53-5d1e-4d5f-8f0e-0e5c2f3a6e01'
ORPHAN = '5e1f7c2a-8d4b-4f6e-9a3c-2b7d1e0f9a41'
GLANCE_CONF = '/etc/glance/glance-api.conf'
EDITED_KEYRING = '/etc/ceph/ceph.client.glance.keyring'
OPENED_KEYRING = '/etc/ceph/dr.client.glance.keyring'
CHECKS = {'caps', 'pools', 'keyring_key', 'keyring_access', 'secret_key', 'secret_orphans', 'config', 'direct_url',
          'raw_images', 'reached'}
USERS = (('ceph', 'glance'), ('ceph', 'cinder'), ('dr', 'glance'), ('dr', 'cinder'), ('dr', 'cinder-backup'))
# A fresh aes cephx key, made where it is used: it never reaches a command line.
NEW_KEY = ("import base64, os, struct, time; "
           "KEY = base64.b64encode(struct.pack('<HIIH', 1, int(time.time()), 0, 16) + os.urandom(16)).decode()")


def host(name):
    return hosts.get_host(name)


class Audit(object):
    """One audit run: its exit code, output and the two report files."""

    def __init__(self, directory, *args):
        started = time.time()
        self.proc = playbook('playbooks/audit.yml', '-e', 'openstack_ceph_audit_dir=%s' % directory,
                             '-e', json.dumps({'openstack_ceph_audit_known_secrets': [EXT_SECRET]}), *args)
        self.seconds = time.time() - started
        self.rc, self.output = self.proc.returncode, self.proc.stdout
        self.texts = {}
        for name in ('openstack-ceph-audit.json', 'openstack-ceph-audit.xml'):
            with open(os.path.join(directory, name)) as f:
                self.texts[name] = f.read()
        self.report = json.loads(self.texts['openstack-ceph-audit.json'])
        self.junit = ElementTree.fromstring(self.texts['openstack-ceph-audit.xml'])

    def __repr__(self):
        return '<audit rc %s, %s>' % (self.rc, self.report.get('summary'))

    def drifted(self):
        return set((f['host'], f['check'], f['item']) for f in self.report['findings'] if not f['ok'])

    def everything(self):
        return self.output + ''.join(self.texts.values())


def lab_keys():
    """Every key of the lab's users, read independently on the Ceph host."""
    ceph = host(CEPH)
    keys = [ceph.check_output('ceph --cluster %s auth get-key client.%s' % (c, u)).strip() for c, u in USERS]
    assert all(is_cephx_key(k) for k in keys), 'not cephx keys: the leak checks would prove nothing'
    return keys


def keyring_key(node, path):
    found = re.search(r'^\s*key\s*=\s*(\S+)\s*$', node.file(path).content_string, re.MULTILINE)
    return found.group(1) if found else None


def ceph_secret():
    """The UUID of the compute node's libvirt secret for client.cinder of cluster ceph."""
    for line in host(COMPUTE).check_output('virsh -c qemu:///system secret-list').splitlines():
        found = re.match(r'\s*([0-9a-f-]{36})\s+ceph client\.cinder secret\s*$', line)
        if found:
            return found.group(1)
    raise AssertionError('no libvirt secret for client.cinder of cluster ceph')


def upload_qcow2():
    """A qcow2 image uploaded through Glance's API as an operator would (disk_format qcow2): Glance's RBD
    store keeps its bytes as they are, in the images pool of its default store, cluster ceph."""
    made = docker(CONTROLLER, 'sh', '-c', 'qemu-img create -q -f qcow2 /tmp/audit-drift.qcow2 16M && cat /tmp/audit-drift.qcow2; '
                  'rm -f /tmp/audit-drift.qcow2')
    assert made.returncode == 0 and made.stdout.startswith(b'QFI\xfb'), made.stderr
    qcow2 = made.stdout
    made = api('POST', GLANCE + '/v2/images', {'name': 'audit-drift-qcow2', 'disk_format': 'qcow2', 'container_format': 'bare'})
    api('PUT', GLANCE + '/v2/images/%s/file' % made['id'], data=qcow2)
    image = wait_for(lambda: api('GET', GLANCE + '/v2/images/' + made['id']), lambda i: i['status'] != 'saving',
                     what='the qcow2 upload')
    assert image['status'] == 'active', image
    return image['id']


def glance_serves():
    wait_for(lambda: call('GET', GLANCE + '/versions')[0], lambda code: code is not None and code < 400, timeout=90,
             what='glance-api')


class Drift(dict):
    """What the drift fixture gives; its keys never reach a failure's report."""

    def __repr__(self):
        return '<drift: %s>' % ', '.join(sorted(k for k in self if k != 'keys'))


@pytest.fixture(scope='module')
def drift(tmp_path_factory):
    """Each kind of drift injected at once, one audit; then site.yml, and what the collection does not
    manage removed by hand; then a second audit. Whatever happens, the lab is put back."""
    ceph, controller, compute = host(CEPH), host(CONTROLLER), host(COMPUTE)
    started = time.time()
    keys = lab_keys()
    secret = ceph_secret()
    caps_before = json.loads(ceph.check_output('ceph --cluster dr auth get client.cinder-backup --format json'))[0]['caps']
    out = Drift(keys=keys, secret=secret, caps_before=caps_before)
    image = None
    try:
        # First the image (Glance reads its keyring at each upload), then the rest.
        image = out['image'] = upload_qcow2()
        controller.check_output("python3 -c \"%s; import re; p = '%s'; t = open(p).read(); "
                                "open(p, 'w').write(re.sub(r'key = \\S+', 'key = ' + KEY, t))\"" % (NEW_KEY, EDITED_KEYRING))
        ceph.check_output("ceph --cluster dr auth caps client.cinder-backup mon 'profile rbd' osd 'allow *' "
                          "mgr 'profile rbd pool=backups'")
        compute.check_output("python3 -c \"%s; import sys; sys.stdout.write(KEY)\" | virsh -c qemu:///system secret-set-value --secret %s "
                             "--file /dev/stdin" % (NEW_KEY, secret))
        controller.check_output('chmod 0644 %s' % OPENED_KEYRING)
        controller.check_output("sed -i 's/^show_image_direct_url = True$/show_image_direct_url = False/' %s" % GLANCE_CONF)
        compute.check_output("echo \"<secret ephemeral='no' private='no'><uuid>%s</uuid><usage type='ceph'><name>audit-orphan "
                             "client.cinder secret</name></usage></secret>\" | virsh -c qemu:///system secret-define "
                             "--file /dev/stdin" % ORPHAN)
        out['wrong_keys'] = [keyring_key(controller, EDITED_KEYRING),
                             compute.check_output('virsh -c qemu:///system secret-get-value %s' % secret).strip()]
        assert all(is_cephx_key(k) for k in out['wrong_keys']) and not set(out['wrong_keys']) & set(keys)

        out['drifted'] = Audit(str(tmp_path_factory.mktemp('audit-drifted')), '--diff', '-vv')
        out['site'] = playbook('playbooks/site.yml')
        glance_serves()
        # Independent reads of what site.yml repaired.
        out['caps_after'] = json.loads(ceph.check_output('ceph --cluster dr auth get client.cinder-backup --format json'))[0]['caps']
        out['keyring_ok'] = keyring_key(controller, EDITED_KEYRING) == keys[USERS.index(('ceph', 'glance'))]
        opened = controller.file(OPENED_KEYRING)
        out['opened'] = (opened.mode, opened.user, opened.group)
        out['secret_ok'] = (compute.check_output('virsh -c qemu:///system secret-get-value %s' % secret).strip()
                            == keys[USERS.index(('ceph', 'cinder'))])
        out['direct_url'] = controller.check_output("sed -n 's/^show_image_direct_url = //p' %s" % GLANCE_CONF).strip()
        # What site.yml does not manage it left alone: the image and the orphan secret are still there.
        out['image_left'] = api('GET', GLANCE + '/v2/images/' + image)['disk_format']
        out['orphan_left'] = ORPHAN in compute.check_output('virsh -c qemu:///system secret-list')
        # Then removed by hand.
        api('DELETE', GLANCE + '/v2/images/' + image)
        image = None
        compute.check_output('virsh -c qemu:///system secret-undefine %s' % ORPHAN)
        out['clean'] = Audit(str(tmp_path_factory.mktemp('audit-clean')))
        out['seconds'] = time.time() - started
        yield out
    finally:
        # Put the lab back whatever failed: what the collection does not manage by hand, the rest by site.yml.
        if image:
            glance_serves()
            api('DELETE', GLANCE + '/v2/images/' + image)
        compute.run('virsh -c qemu:///system secret-undefine %s' % ORPHAN)
        if not out.get('clean') or out['clean'].rc != 0:
            playbook('playbooks/site.yml')
        glance_serves()


def test_audit_of_the_converged_lab_is_clean_and_writes_both_reports(tmp_path):
    audit = Audit(str(tmp_path))
    assert audit.rc == 0, audit.output[-4000:]
    report = audit.report
    assert report['complete'] is True and report['ok'] is True, report['summary']
    assert [f for f in report['findings'] if not f['ok']] == []
    assert set(f['check'] for f in report['findings']) == CHECKS
    assert set(f['host'] for f in report['findings']) == {CEPH, CONTROLLER, COMPUTE}
    # The baseline: the side effect's external-mode secret, if the scenario made it, is known, and only that.
    listed = host(COMPUTE).check_output('virsh -c qemu:///system secret-list')
    orphans = [f for f in report['findings'] if f['check'] == 'secret_orphans']
    if EXT_SECRET in listed:
        assert [(f['item'], f['ok']) for f in orphans] == [(EXT_SECRET, True)]
        assert 'openstack_ceph_audit_known_secrets lists it' in orphans[0]['detail']
    else:
        assert [f['item'] for f in orphans] == ['libvirt']
    # JUnit: one test case per check and host, none failing.
    cases = [(c.get('classname'), c.get('name')) for c in audit.junit.iter('testcase')]
    assert sorted(cases) == sorted(set((f['check'], f['host']) for f in report['findings']))
    assert len(cases) == len(set(cases)) and audit.junit.get('failures') == '0'
    assert not find_keys(audit.everything())
    assert 'No drift:' in audit.output


def test_audit_names_each_injected_drift_by_host_check_and_item(drift):
    audit = drift['drifted']
    assert audit.rc != 0, audit.output[-4000:]
    expected = {
        (CEPH, 'caps', 'dr client.cinder-backup'),
        (CONTROLLER, 'keyring_key', EDITED_KEYRING),
        (CONTROLLER, 'keyring_access', OPENED_KEYRING),
        (COMPUTE, 'secret_key', drift['secret']),
        (COMPUTE, 'secret_orphans', ORPHAN),
        (CONTROLLER, 'direct_url', GLANCE_CONF + ' [DEFAULT] show_image_direct_url'),
        (CONTROLLER, 'config', GLANCE_CONF + ' [DEFAULT] show_image_direct_url'),
        (CEPH, 'raw_images', 'ceph/images/%s' % drift['image']),
    }
    assert audit.drifted() == expected
    # The last play's failure lists them, and the JUnit test case of each (check, host) fails.
    for node, check, item in expected:
        assert '%s %s %s: ' % (node, check, item) in audit.output, (node, check, item)
    failing = set((c.get('classname'), c.get('name')) for c in audit.junit.iter('testcase') if c.find('failure') is not None)
    assert failing == set((check, node) for node, check, dummy in expected)
    details = dict(((f['host'], f['check'], f['item']), f['detail']) for f in audit.report['findings'])
    assert "osd is 'allow *', declared 'profile rbd pool=backups'" in details[(CEPH, 'caps', 'dr client.cinder-backup')]
    assert details[(CONTROLLER, 'keyring_access', OPENED_KEYRING)].startswith('is glance:glance 0644, declared glance:glance 0640')
    assert details[(CEPH, 'raw_images', 'ceph/images/%s' % drift['image'])].startswith('is qcow2, not raw')
    assert 'another key than the one Ceph has' in details[(COMPUTE, 'secret_key', drift['secret'])]


def test_no_key_of_the_lab_nor_an_injected_one_is_in_any_output_or_report(drift):
    keys = drift['keys'] + drift['wrong_keys']
    for name in ('drifted', 'clean'):
        text = drift[name].everything()
        assert not [k for k in keys if k in text], 'a key is in the %s audit\'s output or report' % name
        assert not find_keys(text), 'something shaped like a cephx key is in the %s audit\'s output or report' % name


def test_site_repairs_what_the_collection_manages_and_leaves_the_rest_alone(drift):
    assert drift['site'].returncode == 0, drift['site'].stdout[-4000:]
    assert drift['caps_after'] == drift['caps_before']
    assert drift['keyring_ok'], 'the edited keyring does not hold the key Ceph has for client.glance'
    assert drift['opened'] == (0o640, 'glance', 'glance')
    assert drift['secret_ok'], 'the libvirt secret does not hold the key Ceph has for client.cinder'
    assert drift['direct_url'] == 'True'
    assert drift['image_left'] == 'qcow2' and drift['orphan_left']


def test_audit_is_clean_once_the_image_and_the_orphan_are_removed(drift):
    # site.yml repaired every drift the collection manages: with the other two removed by hand, nothing is left.
    clean = drift['clean']
    assert clean.rc == 0, clean.output[-4000:]
    assert clean.report['ok'] is True and clean.drifted() == set()
    # The whole drift test's time, for the record (docs/guide/audit.md).
    audits = ', '.join('%.0f' % drift[name].seconds for name in ('drifted', 'clean'))
    print('drift test: %.0f s (audits %s s)' % (drift['seconds'], audits))
