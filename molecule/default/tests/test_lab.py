# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's machines are real: services run, APIs answer, libvirt answers, Ceph is healthy."""

import json
import os
import uuid

import testinfra.utils.ansible_runner

hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])


def host(name):
    return hosts.get_host(name)


def test_ceph_is_healthy():
    ceph = host('osc-lab-ceph')
    health = json.loads(ceph.check_output('ceph health --format json'))
    assert health['status'] == 'HEALTH_OK', health
    osd = json.loads(ceph.check_output('ceph osd stat --format json'))
    assert osd['num_up_osds'] == 1


def test_openstack_services_run_on_the_controller():
    controller = host('osc-lab-controller')
    for unit in ('glance-api', 'cinder-api', 'cinder-scheduler', 'cinder-volume', 'cinder-backup', 'rabbitmq-server'):
        assert controller.service(unit).is_running, unit
    for process in ('glance-api', 'cinder-volume'):
        # By process name only: 'pgrep -f' through 'sh -c' matches its own shell and can never fail.
        assert controller.process.filter(comm=process), process


def test_openstack_apis_answer():
    controller = host('osc-lab-controller')
    glance = json.loads(controller.check_output('curl -sf http://127.0.0.1:9292/versions'))
    assert any(v['id'].startswith('v2') for v in glance['versions'])
    # The lab's Cinder runs with auth_strategy = noauth: the token is just user:project.
    services = json.loads(controller.check_output(
        "curl -sf -H 'X-Auth-Token: admin:admin' http://127.0.0.1:8776/v3/os-services"))['services']
    state = dict((s['binary'], s['state']) for s in services)
    assert state.get('cinder-scheduler') == 'up' and state.get('cinder-backup') == 'up', state
    # cinder-volume has registered; its packaged LVM backend stays down until Ceph is wired in.
    assert 'cinder-volume' in state, state


def test_libvirt_answers_on_the_compute_node():
    compute = host('osc-lab-compute')
    version = compute.run('virsh -c qemu:///system version')
    assert version.rc == 0 and 'libvirt' in version.stdout
    assert compute.user('nova').exists
    assert compute.file('/etc/nova/nova.conf').exists


def test_no_admin_keyring_outside_the_ceph_host():
    for name in ('osc-lab-controller', 'osc-lab-compute'):
        assert not host(name).file('/etc/ceph/ceph.client.admin.keyring').exists


def test_openstack_pools_exist_initialised_for_rbd():
    ceph = host('osc-lab-ceph')
    pools = dict((p['pool_name'], p) for p in json.loads(ceph.check_output('ceph osd pool ls detail --format json')))
    for name in ('images', 'volumes', 'vms', 'backups'):
        assert name in pools, name
        assert 'rbd' in pools[name]['application_metadata'], name
        assert pools[name]['size'] == 1 and pools[name]['pg_num_target'] == 8, name
        assert ceph.run('rbd ls %s' % name).rc == 0, name


def test_openstack_users_have_least_privilege_caps():
    ceph = host('osc-lab-ceph')

    def caps(entity):
        return json.loads(ceph.check_output('ceph auth get %s --format json' % entity))[0]['caps']

    assert caps('client.glance') == {'mon': 'profile rbd', 'osd': 'profile rbd pool=images',
                                     'mgr': 'profile rbd pool=images'}
    cinder = caps('client.cinder')
    assert cinder['osd'] == ('profile rbd pool=volumes, profile rbd pool=vms, '
                             'profile rbd-read-only pool=images')
    assert caps('client.cinder-backup')['osd'] == 'profile rbd pool=backups'


def keyring_key(node, path):
    return node.check_output('sed -n "s/^\\s*key = //p" %s' % path).strip()


def test_each_node_has_only_its_keyrings_with_the_right_keys():
    ceph = host('osc-lab-ceph')
    # entity -> the service user that owns the keyring (user and group of the same name)
    expected = {
        'osc-lab-controller': {'client.glance': 'glance', 'client.cinder': 'cinder', 'client.cinder-backup': 'cinder'},
        'osc-lab-compute': {'client.cinder': 'nova'},
    }
    for name, keyrings in expected.items():
        node = host(name)
        # ext.*: the external-mode client of the side effect step, checked on its own below.
        present = set(f for f in node.check_output('ls /etc/ceph').split() if f.endswith('.keyring') and not f.startswith('ext.'))
        assert present == set('ceph.%s.keyring' % e for e in keyrings), (name, present)
        for entity, group in keyrings.items():
            path = '/etc/ceph/ceph.%s.keyring' % entity
            f = node.file(path)
            assert f.mode == 0o640 and f.user == group and f.group == group, (name, path, oct(f.mode), f.user)
            assert keyring_key(node, path) == ceph.check_output('ceph auth get-key %s' % entity).strip()


def test_client_conf_reaches_the_cluster_with_each_service_key():
    controller = host('osc-lab-controller')
    for entity, pool in (('cinder', 'volumes'), ('cinder-backup', 'backups'), ('glance', 'images')):
        ls = controller.run('rbd --id %s --keyring /etc/ceph/ceph.client.%s.keyring ls %s' % (entity, entity, pool))
        assert ls.rc == 0, (entity, ls.stderr)


def test_least_privilege_is_enforced_by_ceph():
    controller = host('osc-lab-controller')

    def as_user(entity, command):
        return controller.run('timeout 60 rbd --id %s --keyring /etc/ceph/ceph.client.%s.keyring %s'
                              % (entity, entity, command))

    assert as_user('glance', 'create --size 1 volumes/intruder').rc != 0
    assert as_user('cinder', 'create --size 1 images/intruder').rc != 0
    assert as_user('cinder-backup', 'ls volumes').rc != 0
    # The positive control: the same command works where the user is allowed to write.
    made = as_user('cinder', 'create --size 1 volumes/allowed')
    assert made.rc == 0, made.stderr
    assert as_user('cinder', 'rm --no-progress volumes/allowed').rc == 0


# The namespace of Ansible's to_uuid filter, so the test derives the UUID on its own.
ANSIBLE_UUID_NAMESPACE = uuid.UUID('361E6D51-FAEC-444A-9079-341386DA8E2E')


def test_libvirt_secret_holds_the_cinder_key_and_opens_rbd():
    ceph = host('osc-lab-ceph')
    compute = host('osc-lab-compute')
    fsid = ceph.check_output('ceph fsid').strip()
    secret = str(uuid.uuid5(ANSIBLE_UUID_NAMESPACE, fsid + ':client.cinder'))
    xml = compute.check_output('virsh -c qemu:///system secret-dumpxml %s' % secret)
    assert "<usage type='ceph'>" in xml and '<name>client.cinder secret</name>' in xml
    value = compute.check_output('virsh -c qemu:///system secret-get-value %s' % secret).strip()
    assert value == ceph.check_output('ceph auth get-key client.cinder').strip()

    # The real proof: libvirt opens the vms pool through the secret and sees its images.
    libvirt_opens_vms_with(secret)


def libvirt_opens_vms_with(secret):
    ceph = host('osc-lab-ceph')
    compute = host('osc-lab-compute')
    ceph.check_output('rbd create --size 8 vms/verify-disk')
    pool = ("<pool type='rbd'><name>verify-vms</name><source><name>vms</name>"
            "<host name='127.0.0.1' port='3300'/><auth type='ceph' username='cinder'>"
            "<secret uuid='%s'/></auth></source></pool>" % secret)
    try:
        started = compute.run('echo "%s" | virsh -c qemu:///system pool-create /dev/stdin' % pool)
        assert started.rc == 0, started.stderr
        assert 'verify-disk' in compute.check_output('virsh -c qemu:///system vol-list verify-vms')
    finally:
        compute.run('virsh -c qemu:///system pool-destroy verify-vms')
        ceph.run('rbd rm --no-progress vms/verify-disk')


# The side effect step's external-mode run (molecule/default/side_effect.yml).
EXTERNAL_SECRET = '0b9d3c53-5d1e-4d5f-8f0e-0e5c2f3a6e01'


def test_external_mode_configures_the_compute_node_from_given_values():
    ceph = host('osc-lab-ceph')
    compute = host('osc-lab-compute')
    conf = compute.file('/etc/ceph/ext.conf').content_string
    assert 'fsid = %s' % ceph.check_output('ceph fsid').strip() in conf
    assert 'mon_host = ' in conf
    keyring = compute.file('/etc/ceph/ext.client.cinder.keyring')
    assert keyring.mode == 0o640 and keyring.user == 'nova', (oct(keyring.mode), keyring.user)
    key = ceph.check_output('ceph auth get-key client.cinder').strip()
    assert keyring_key(compute, '/etc/ceph/ext.client.cinder.keyring') == key
    xml = compute.check_output('virsh -c qemu:///system secret-dumpxml %s' % EXTERNAL_SECRET)
    assert '<name>ext client.cinder secret</name>' in xml
    assert compute.check_output('virsh -c qemu:///system secret-get-value %s' % EXTERNAL_SECRET).strip() == key
    libvirt_opens_vms_with(EXTERNAL_SECRET)
