# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""audit_findings: what a read-only comparison found, as {host, check, item, ok, detail} records."""

from __future__ import absolute_import, division, print_function

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.audit_findings import CHECKS, FilterModule, audit_findings
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key, find_keys

KEY = fake_key('aes', b'K')
UUID = '89d1fafe-46af-5471-bc1f-7dc2d93552ef'
DR = '4b16ee6c-638d-5f7b-a541-b5077e8ba503'
EXT = '0b9d3c53-5d1e-4d5f-8f0e-0e5c2f3a6e01'
CONF = '[DEFAULT]\nshow_image_direct_url = True\n[glance_store]\nrbd_store_pool = images\npassword = hunter2\n'
OPTIONS = [{'section': 'DEFAULT', 'option': 'show_image_direct_url', 'value': True},
           {'section': 'glance_store', 'option': 'rbd_store_pool', 'value': 'images'},
           {'section': 'glance_store', 'option': 'rbd_store_chunk_size', 'value': 8}]


def by_item(findings):
    return dict((f['item'], f) for f in findings)


def test_registered_under_its_name():
    assert FilterModule().filters() == {'audit_findings': audit_findings}


def test_every_finding_is_a_record_of_a_known_check():
    found = audit_findings(OPTIONS, 'config', 'ctl', content=CONF, path='/etc/glance/glance-api.conf')
    assert all(set(f) == {'host', 'check', 'item', 'ok', 'detail'} for f in found)
    assert set(f['check'] for f in found) <= set(name for name, dummy in CHECKS)


def test_config_one_finding_per_option_and_what_differs():
    found = audit_findings(OPTIONS, 'config', 'ctl', content=CONF, path='/etc/glance/glance-api.conf')
    assert [f['item'] for f in found] == ['/etc/glance/glance-api.conf [DEFAULT] show_image_direct_url',
                                          '/etc/glance/glance-api.conf [glance_store] rbd_store_pool',
                                          '/etc/glance/glance-api.conf [glance_store] rbd_store_chunk_size']
    assert [f['ok'] for f in found] == [True, True, False]
    assert found[2]['detail'] == "is not written as '8' (site.yml writes it)" and found[0]['host'] == 'ctl'
    # Nothing of the file that is not an option the role writes is shown.
    assert 'hunter2' not in str(found)


def test_config_hides_the_values_of_extra_options():
    extra = {'section': 'keystone_authtoken', 'option': 'password', 'value': 's3cret'}
    found = audit_findings(OPTIONS + [extra], 'config', 'ctl', content=CONF, path='/g.conf', hide=[extra])
    assert 's3cret' not in str(found) and 'not shown' in found[-1]['detail'] and found[-1]['ok'] is False
    # An extra option given without a section (nova_rbd's default to [libvirt]) is hidden in every section.
    libvirt = {'section': 'libvirt', 'option': 'secret_thing', 'value': 'x1'}
    found = audit_findings([libvirt], 'config', 'cmp', content='[libvirt]\nsecret_thing = x1\n', path='/n.conf',
                           hide=[{'option': 'secret_thing', 'value': 'x1'}])
    assert found[0]['ok'] and 'x1' not in found[0]['detail']


def test_config_a_file_that_could_not_be_read():
    found = audit_findings(OPTIONS, 'config', 'ctl', content='', path='/g.conf', error='file not found: /g.conf')
    assert not any(f['ok'] for f in found) and found[0]['detail'] == '/g.conf could not be read: file not found: /g.conf'
    assert audit_findings(OPTIONS[:1], 'config', 'ctl', content='', path='/g.conf')[0]['detail'] == '/g.conf is empty'


@pytest.mark.parametrize('content, ok', [
    (CONF, True),
    ('[DEFAULT]\nshow_image_direct_url = False\n', False),
    ('[DEFAULT]\ndebug = True\n', False),
    ('', False),
])
def test_direct_url_is_true_whatever_the_declaration_says(content, ok):
    found = audit_findings(content, 'direct_url', 'ctl', path='/etc/glance/glance-api.conf')
    assert len(found) == 1 and found[0]['ok'] is ok and found[0]['check'] == 'direct_url'
    assert found[0]['item'] == '/etc/glance/glance-api.conf [DEFAULT] show_image_direct_url'
    if not ok and content:
        assert 'copy every image' in found[0]['detail']


def keyring(path, content=False, attributes=False, found=None):
    return {'path': path, 'entity': 'client.glance', 'key_type': 'aes', 'changed': content or attributes,
            'content_changed': content, 'attributes_changed': attributes,
            'found': found if found is not None else {'owner': 'glance', 'group': 'glance', 'mode': '0640'}}


def test_keyrings_key_and_access_are_two_checks():
    result = {'changed': True, 'keyrings': [
        keyring('/etc/ceph/ceph.client.glance.keyring'),
        keyring('/etc/ceph/dr.client.glance.keyring', content=True),
        keyring('/etc/ceph/x.keyring', attributes=True, found={'owner': 'glance', 'group': 'glance', 'mode': '0644'})]}
    found = audit_findings(result, 'keyrings', 'ctl', owner='glance', group='glance', mode='0640')
    checks = [(f['check'], f['item'], f['ok']) for f in found]
    assert checks == [('keyring_key', '/etc/ceph/ceph.client.glance.keyring', True),
                      ('keyring_access', '/etc/ceph/ceph.client.glance.keyring', True),
                      ('keyring_key', '/etc/ceph/dr.client.glance.keyring', False),
                      ('keyring_access', '/etc/ceph/dr.client.glance.keyring', True),
                      ('keyring_key', '/etc/ceph/x.keyring', True),
                      ('keyring_access', '/etc/ceph/x.keyring', False)]
    assert found[5]['detail'] == 'is glance:glance 0644, declared glance:glance 0640 (site.yml sets them)'
    assert 'client.glance' in found[2]['detail']


def test_keyrings_missing_file_and_user_with_no_key():
    result = {'keyrings': [dict(keyring('/etc/ceph/ceph.client.glance.keyring', content=True), found=None)]}
    pending = [{'path': '/etc/ceph/dr.client.glance.keyring', 'entity': 'client.glance', 'key': None}]
    found = audit_findings(result, 'keyrings', 'ctl', pending=pending, mode='0640')
    assert [(f['item'], f['ok']) for f in found] == [('/etc/ceph/dr.client.glance.keyring', False),
                                                     ('/etc/ceph/ceph.client.glance.keyring', False)]
    assert 'does not exist' in found[0]['detail'] and 'is missing' in found[1]['detail']


def virsh(**kw):
    result = {'changed': False, 'diff': [], 'other_secrets': [],
              'secrets': [{'uuid': UUID, 'usage_type': 'ceph', 'usage_name': 'client.cinder secret', 'has_value': True},
                          {'uuid': DR, 'usage_type': 'ceph', 'usage_name': 'dr client.cinder secret', 'has_value': True}]}
    result.update(kw)
    return result


def test_secrets_in_place_and_no_orphan():
    found = audit_findings(virsh(), 'secrets', 'cmp')
    assert [(f['check'], f['item'], f['ok']) for f in found] == [
        ('secret_key', UUID, True), ('secret_key', DR, True), ('secret_orphans', 'libvirt', True)]


def test_secret_with_another_key_a_missing_one_and_a_changed_definition():
    diff = [{'before': {'uuid': UUID, 'usage_type': 'ceph', 'usage_name': 'client.cinder secret', 'description': None,
                        'ephemeral': False, 'private': False, 'has_value': True, 'value': 'old value (not shown)'},
             'after': {'uuid': UUID, 'usage_type': 'ceph', 'usage_name': 'client.cinder secret', 'description': None,
                       'ephemeral': False, 'private': False, 'has_value': True, 'value': 'new value (not shown)'}},
            {'before': {}, 'after': {'uuid': DR, 'usage_name': 'dr client.cinder secret', 'has_value': True}}]
    found = by_item(audit_findings(virsh(changed=True, diff=diff), 'secrets', 'cmp'))
    assert not found[UUID]['ok'] and 'another key than the one Ceph has' in found[UUID]['detail']
    assert not found[DR]['ok'] and 'is not defined' in found[DR]['detail']
    private = dict(diff[0], before=dict(diff[0]['before'], private=True), after=dict(diff[0]['after']))
    del private['before']['value'], private['after']['value']
    found = by_item(audit_findings(virsh(changed=True, diff=[private]), 'secrets', 'cmp'))
    assert "its private is True, declared False" in found[UUID]['detail']


def test_orphans_are_ceph_secrets_nothing_declares_unless_known():
    others = [{'uuid': EXT, 'usage_type': 'ceph', 'usage_name': 'ext client.cinder secret'},
              {'uuid': '11111111-2222-3333-4444-555555555555', 'usage_type': 'volume', 'usage_name': '/x.img'}]
    found = [f for f in audit_findings(virsh(other_secrets=others), 'secrets', 'cmp') if f['check'] == 'secret_orphans']
    assert [(f['item'], f['ok']) for f in found] == [(EXT, False)]
    assert "'ext client.cinder secret'" in found[0]['detail'] and 'site.yml leaves it' in found[0]['detail']
    found = [f for f in audit_findings(virsh(other_secrets=others), 'secrets', 'cmp', known=[EXT.upper()])
             if f['check'] == 'secret_orphans']
    assert [(f['item'], f['ok']) for f in found] == [(EXT, True)]


def test_secrets_with_no_key_yet_are_drift():
    found = audit_findings(virsh(secrets=[]), 'secrets', 'cmp', pending=[UUID])
    assert (found[0]['item'], found[0]['ok']) == (UUID, False) and 'does not exist' in found[0]['detail']


@pytest.mark.parametrize('kind, kw, check, item', [
    ('secrets', {}, 'secret_key', 'libvirt'),
    ('keyrings', {}, 'keyring_key', 'keyrings'),
    ('caps', {'cluster': 'dr'}, 'caps', 'dr'),
    ('pools', {'cluster': 'dr'}, 'pools', 'dr'),
    ('disk_formats', {'cluster': 'dr', 'pool': 'images'}, 'raw_images', 'dr/images'),
])
def test_a_failed_read_is_one_failing_finding_with_its_message(kind, kw, check, item):
    result = {'failed': True, 'msg': "usage_name 'client.cinder secret' is already used by libvirt secret X"}
    found = audit_findings(result, kind, 'h', **kw)
    assert found == [{'host': 'h', 'check': check, 'item': item, 'ok': False,
                      'detail': "could not be compared: usage_name 'client.cinder secret' is already used by libvirt secret X"}]


def test_caps_as_declared_widened_and_missing():
    result = {'changed': True, 'users': [
        {'entity': 'client.glance', 'changed': False, 'key': KEY, 'key_type': 'aes',
         'caps': {'mon': 'profile rbd', 'osd': 'profile rbd pool=images'}},
        {'entity': 'client.cinder', 'changed': True, 'key': KEY, 'key_type': 'aes',
         'caps': {'mon': 'profile rbd', 'osd': 'profile rbd pool=volumes'}},
        {'entity': 'client.nova', 'changed': True, 'key_type': None, 'caps': {'mon': 'profile rbd'}}],
        'diff': [{'before': {'entity': 'client.cinder', 'state': 'present',
                             'caps': {'mon': 'profile rbd', 'osd': 'allow *'}},
                  'after': {'entity': 'client.cinder', 'state': 'present',
                            'caps': {'mon': 'profile rbd', 'osd': 'profile rbd pool=volumes'}}},
                 {'before': {'entity': 'client.nova', 'state': 'absent', 'caps': {}},
                  'after': {'entity': 'client.nova', 'state': 'present', 'caps': {'mon': 'profile rbd'}}}]}
    found = audit_findings(result, 'caps', 'adm', cluster='ceph')
    assert [(f['item'], f['ok']) for f in found] == [('ceph client.glance', True), ('ceph client.cinder', False),
                                                     ('ceph client.nova', False)]
    assert found[1]['detail'] == ("osd is 'allow *', declared 'profile rbd pool=volumes' (site.yml sets the declared caps, "
                                  "keeping the key)")
    assert 'does not exist' in found[2]['detail']
    assert find_keys(str(found)) == [], 'the keys in the input never reach a finding'


def test_pools_as_declared_and_with_commands_to_run():
    result = {'pools': [{'name': 'images', 'changed': False, 'pool': {'applications': ['rbd']}, 'commands': []},
                        {'name': 'vms', 'changed': True, 'pool': {'applications': []},
                         'commands': ['ceph osd pool application enable vms rbd', 'rbd pool init vms']}]}
    found = audit_findings(result, 'pools', 'adm', cluster='dr')
    assert [(f['item'], f['ok']) for f in found] == [('dr/images', True), ('dr/vms', False)]
    assert found[1]['detail'] == 'site.yml would run: ceph osd pool application enable vms rbd; rbd pool init vms'


def test_disk_formats_name_each_image_that_is_not_raw():
    result = {'images': [{'name': 'a', 'disk_format': 'raw'}, {'name': 'b', 'disk_format': 'qcow2'}]}
    found = audit_findings(result, 'disk_formats', 'adm', cluster='ceph', pool='images')
    assert [(f['check'], f['item'], f['ok']) for f in found] == [('raw_images', 'ceph/images/b', False)]
    assert found[0]['detail'].startswith('is qcow2, not raw') and 'does not convert or delete' in found[0]['detail']
    found = audit_findings({'images': [{'name': 'a', 'disk_format': 'raw'}]}, 'disk_formats', 'adm', cluster='ceph', pool='images')
    assert [(f['item'], f['ok'], f['detail']) for f in found] == [('ceph/images', True, '1 image, all raw')]


def test_reached():
    assert audit_findings(True, 'reached', 'cmp') == [{'host': 'cmp', 'check': 'reached', 'item': 'cmp', 'ok': True,
                                                       'detail': 'audited'}]
    assert audit_findings(False, 'reached', 'cmp')[0]['ok'] is False


@pytest.mark.parametrize('args, words', [
    ((OPTIONS, 'nope', 'h'), ['kind', 'nope']),
    ((OPTIONS, 'config', ''), ['host']),
    (('text', 'config', 'h'), ['config']),
    (([], 'caps', 'h'), ['caps', 'registered result']),
    (('yes', 'reached', 'h'), ['reached']),
])
def test_bad_input_is_refused_with_a_message(args, words):
    with pytest.raises(AnsibleFilterError) as err:
        audit_findings(*args)
    assert all(w in str(err.value) for w in words), str(err.value)
