# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's machines are real: services run, APIs answer, libvirt answers, Ceph is healthy."""

import json
import os
import uuid

import pytest
import testinfra.utils.ansible_runner
from lab_keystone import auth_header

hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])


def host(name):
    return hosts.get_host(name)


def test_ceph_is_healthy():
    ceph = host('osc-lab-ceph')
    health = json.loads(ceph.check_output('ceph health --format json'))
    osd = json.loads(ceph.check_output('ceph osd stat --format json'))
    assert osd['num_up_osds'] == 1
    if list(health.get('checks') or {}) == ['MGR_MODULE_DEPENDENCY']:
        detail = ceph.check_output('ceph health detail')
        if 'PyO3 modules do not yet support subinterpreters' in detail:
            # Debian 13's ceph-mgr 18.2.7: mgr_util imports bcrypt, a PyO3 module that refuses the
            # subinterpreters ceph-mgr loads its modules in (pg_autoscaler, rbd_support, ...).
            # Reported, not hidden: the distribution's defect, not the collection's.
            pytest.xfail('ceph-mgr cannot load its modules here (PyO3 refuses subinterpreters): ' +
                         detail.splitlines()[0])
    assert health['status'] == 'HEALTH_OK', health


def test_openstack_services_run_on_the_controller():
    controller = host('osc-lab-controller')
    for unit in ('keystone', 'glance-api', 'cinder-api', 'cinder-scheduler', 'cinder-volume', 'cinder-backup', 'rabbitmq-server',
                 'mariadb', 'nova-api', 'nova-conductor', 'nova-scheduler', 'placement-api', 'neutron-api'):
        assert controller.service(unit).is_running, unit
    for process, conf_dir in (('glance-api', '/etc/glance/'), ('cinder-volume', '/etc/cinder/')):
        # By process name only: 'pgrep -f' through 'sh -c' matches its own shell and can never fail.
        # Glance 33 (forky's, from sid) runs under uwsgi: its processes are uwsgi's, with its ini.
        found = controller.process.filter(comm=process) or [
            p for p in controller.process.filter(comm='uwsgi_python3') if conf_dir in p.args]
        assert found, process


def test_openstack_apis_answer():
    controller = host('osc-lab-controller')
    glance = json.loads(controller.check_output('curl -sf http://127.0.0.1:9292/versions'))
    assert any(v['id'].startswith('v2') for v in glance['versions'])
    # Every API is behind the lab's Keystone: without a token, each answers 401.
    for url in ('http://127.0.0.1:9292/v2/images', 'http://127.0.0.1:8776/v3/volumes', 'http://127.0.0.1:8774/v2.1/servers',
                'http://127.0.0.1:8778/resource_providers', 'http://127.0.0.1:9696/v2.0/networks'):
        assert controller.check_output("curl -s -o /dev/null -w '%%{http_code}' %s" % url) == '401', url
    services = json.loads(controller.check_output(
        "curl -sf %s http://127.0.0.1:8776/v3/os-services" % auth_header(controller)))['services']
    state = dict((s['binary'], s['state']) for s in services)
    assert state.get('cinder-scheduler') == 'up' and state.get('cinder-backup') == 'up', state
    # cinder-volume has registered; its packaged LVM backend stays down until Ceph is wired in.
    assert 'cinder-volume' in state, state


def test_nova_compute_registers_with_nova_and_placement():
    controller = host('osc-lab-controller')
    assert host('osc-lab-compute').service('nova-compute').is_running
    services = json.loads(controller.check_output(
        "curl -sf %s http://127.0.0.1:8774/v2.1/os-services" % auth_header(controller)))['services']
    state = dict(((s['binary'], s['host']), s['state']) for s in services)
    assert state.get(('nova-compute', 'osc-lab-compute')) == 'up', state
    assert state.get(('nova-conductor', 'osc-lab-controller')) == 'up', state
    providers = json.loads(controller.check_output(
        "curl -sf %s http://127.0.0.1:8778/resource_providers" % auth_header(controller)))['resource_providers']
    assert 'osc-lab-compute' in [p['name'] for p in providers], providers


def test_the_lab_listens_on_loopback_only():
    # The containers share the host's network: only sockets of the container's own processes (those
    # ss can name from inside it) are the lab's.
    for name in ('osc-lab-ceph', 'osc-lab-controller', 'osc-lab-compute'):
        listening = [line.split() for line in host(name).check_output('ss -Hltnp').splitlines() if 'users:' in line]
        # The controller's APIs listen; libvirtd and nova-compute on the compute node do not.
        assert listening or name != 'osc-lab-controller', name
        exposed = [(fields[3], fields[-1]) for fields in listening if not fields[3].startswith(('127.', '[::1]'))]
        assert not exposed, (name, exposed)


def test_libvirt_answers_on_the_compute_node():
    compute = host('osc-lab-compute')
    version = compute.run('virsh -c qemu:///system version')
    assert version.rc == 0 and 'libvirt' in version.stdout
    assert compute.user('nova').exists
    assert compute.file('/etc/nova/nova.conf').exists


def test_no_admin_keyring_outside_the_ceph_host():
    for name in ('osc-lab-controller', 'osc-lab-compute'):
        assert not host(name).file('/etc/ceph/ceph.client.admin.keyring').exists


# The lab's two clusters (inventories/lab/group_vars/all.yml): the pools each serves, and its monitor.
CLUSTERS = {
    'ceph': {'port': 3300, 'pools': ['images', 'volumes', 'vms']},       # Glance's default store, a backend, Nova
    'dr': {'port': 3301, 'pools': ['images', 'volumes', 'backups']},     # Glance's dr store, a backend, cinder-backup
}


def ceph_json(cluster, command):
    return json.loads(host('osc-lab-ceph').check_output('ceph --cluster %s %s --format json' % (cluster, command)))


def get_key(cluster, entity):
    return host('osc-lab-ceph').check_output('ceph --cluster %s auth get-key %s' % (cluster, entity)).strip()


def test_two_real_clusters_with_their_own_fsids_and_monitors():
    ceph = host('osc-lab-ceph')
    fsids = dict((c, ceph.check_output('ceph --cluster %s fsid' % c).strip()) for c in CLUSTERS)
    assert fsids['ceph'] != fsids['dr'], fsids
    for cluster, lab in CLUSTERS.items():
        addrs = ceph_json(cluster, 'mon dump')['mons'][0]['public_addrs']['addrvec']
        assert [a['addr'] for a in addrs] == ['127.0.0.1:%d' % lab['port']], (cluster, addrs)


def test_openstack_pools_exist_initialised_for_rbd():
    ceph = host('osc-lab-ceph')
    for cluster, lab in CLUSTERS.items():
        pools = dict((p['pool_name'], p) for p in ceph_json(cluster, 'osd pool ls detail'))
        # The manager's own pool is .mgr from Reef on, device_health_metrics before.
        assert sorted(n for n in pools if n not in ('.mgr', 'device_health_metrics')) == sorted(lab['pools']), (cluster, list(pools))
        for name in lab['pools']:
            assert 'rbd' in pools[name]['application_metadata'], (cluster, name)
            assert pools[name]['size'] == 1 and pools[name]['pg_num_target'] == 8, (cluster, name)
            assert ceph.run('rbd --cluster %s ls %s' % (cluster, name)).rc == 0, (cluster, name)


def test_openstack_users_have_least_privilege_caps_on_each_cluster():
    def caps(cluster, entity):
        return ceph_json(cluster, 'auth get %s' % entity)[0]['caps']

    assert caps('ceph', 'client.glance') == {'mon': 'profile rbd', 'osd': 'profile rbd pool=images',
                                             'mgr': 'profile rbd pool=images'}
    assert caps('dr', 'client.glance') == caps('ceph', 'client.glance')
    assert caps('ceph', 'client.cinder')['osd'] == ('profile rbd pool=volumes, profile rbd pool=vms, '
                                                    'profile rbd-read-only pool=images')
    # dr serves no Nova: client.cinder there has no vms.
    assert caps('dr', 'client.cinder')['osd'] == 'profile rbd pool=volumes, profile rbd-read-only pool=images'
    assert caps('dr', 'client.cinder-backup') == {'mon': 'profile rbd', 'osd': 'profile rbd pool=backups',
                                                  'mgr': 'profile rbd pool=backups'}
    # cinder-backup is on dr only: no such user on ceph.
    assert host('osc-lab-ceph').run('ceph --cluster ceph auth get client.cinder-backup').rc != 0
    # One user, two clusters, two keys.
    assert get_key('ceph', 'client.cinder') != get_key('dr', 'client.cinder')


def keyring_key(node, path):
    return node.check_output('sed -n "s/^\\s*key = //p" %s' % path).strip()


# Per node: (cluster, entity) -> the service user that owns the keyring (user and group of the same name).
KEYRINGS = {
    'osc-lab-controller': {('ceph', 'client.glance'): 'glance', ('dr', 'client.glance'): 'glance',
                           ('ceph', 'client.cinder'): 'cinder', ('dr', 'client.cinder'): 'cinder',
                           ('dr', 'client.cinder-backup'): 'cinder'},
    'osc-lab-compute': {('ceph', 'client.cinder'): 'nova'},
}


def test_each_node_has_only_its_keyrings_with_the_right_keys():
    for name, keyrings in KEYRINGS.items():
        node = host(name)
        # ext.*: the external-mode client of the side effect step, checked on its own below.
        present = set(f for f in node.check_output('ls /etc/ceph').split() if f.endswith('.keyring') and not f.startswith('ext.'))
        assert present == set('%s.%s.keyring' % pair for pair in keyrings), (name, present)
        for (cluster, entity), group in keyrings.items():
            path = '/etc/ceph/%s.%s.keyring' % (cluster, entity)
            f = node.file(path)
            assert f.mode == 0o640 and f.user == group and f.group == group, (name, path, oct(f.mode), f.user)
            assert keyring_key(node, path) == get_key(cluster, entity), (name, path)


def test_each_node_has_the_conf_of_each_cluster_it_uses():
    ceph = host('osc-lab-ceph')
    for name, clusters in (('osc-lab-controller', ('ceph', 'dr')), ('osc-lab-compute', ('ceph',))):
        node = host(name)
        present = set(f for f in node.check_output('ls /etc/ceph').split() if f.endswith('.conf') and not f.startswith('ext.'))
        assert present == set('%s.conf' % c for c in clusters), (name, present)
        for cluster in clusters:
            conf = node.file('/etc/ceph/%s.conf' % cluster).content_string
            assert 'fsid = %s' % ceph.check_output('ceph --cluster %s fsid' % cluster).strip() in conf, (name, cluster)
            assert '127.0.0.1:%d' % CLUSTERS[cluster]['port'] in conf, (name, cluster)


def test_client_conf_reaches_each_cluster_with_each_service_key():
    controller = host('osc-lab-controller')
    for cluster, entity, pool in (('ceph', 'cinder', 'volumes'), ('ceph', 'glance', 'images'), ('dr', 'cinder', 'volumes'),
                                  ('dr', 'cinder-backup', 'backups'), ('dr', 'glance', 'images')):
        ls = controller.run('timeout 60 rbd --cluster %s --id %s ls %s' % (cluster, entity, pool))
        assert ls.rc == 0, (cluster, entity, ls.stderr)


def test_least_privilege_is_enforced_by_ceph():
    controller = host('osc-lab-controller')

    def as_user(entity, command):
        return controller.run('timeout 60 rbd --id %s --keyring /etc/ceph/ceph.client.%s.keyring %s'
                              % (entity, entity, command))

    assert as_user('glance', 'create --size 1 volumes/intruder').rc != 0
    assert as_user('cinder', 'create --size 1 images/intruder').rc != 0
    # cinder-backup's key (on dr) opens dr's backups, not its volumes.
    backup = controller.run('timeout 60 rbd --cluster dr --id cinder-backup ls volumes')
    assert backup.rc != 0
    assert controller.run('timeout 60 rbd --cluster dr --id cinder-backup ls backups').rc == 0
    # The positive control: the same command works where the user is allowed to write.
    made = as_user('cinder', 'create --size 1 volumes/allowed')
    assert made.rc == 0, made.stderr
    assert as_user('cinder', 'rm --no-progress volumes/allowed').rc == 0


# The namespace of Ansible's to_uuid filter, so the test derives the UUID on its own.
ANSIBLE_UUID_NAMESPACE = uuid.UUID('361E6D51-FAEC-444A-9079-341386DA8E2E')


def test_each_backends_secret_holds_its_clusters_key_and_opens_its_pool(libvirt_opens):
    """One libvirt secret per (cluster, user) the compute node needs: each Cinder backend's rbd_secret_uuid
    names the secret that holds that cluster's key, and libvirt opens that cluster's pool through it."""
    ceph, compute, controller = host('osc-lab-ceph'), host('osc-lab-compute'), host('osc-lab-controller')
    script = ('import configparser, json, sys; c = configparser.RawConfigParser(strict=False); c.read(sys.argv[1]); '
              'print(json.dumps(dict((b, dict(c.items(b))) for b in ("ceph", "dr"))))')
    backends = json.loads(controller.check_output("python3 -c '%s' /etc/cinder/cinder.conf" % script))
    secrets = {}
    for backend, cluster in (('ceph', 'ceph'), ('dr', 'dr')):
        conf = backends[backend]
        assert (conf['rbd_cluster_name'], conf['rbd_ceph_conf'], conf['rbd_user']) == (cluster, '/etc/ceph/%s.conf' % cluster, 'cinder')
        fsid = ceph.check_output('ceph --cluster %s fsid' % cluster).strip()
        secret = conf['rbd_secret_uuid']
        # The UUID derived exactly as before the data model, from the cluster's fsid and the user.
        assert secret == str(uuid.uuid5(ANSIBLE_UUID_NAMESPACE, fsid + ':client.cinder')), backend
        xml = compute.check_output('virsh -c qemu:///system secret-dumpxml %s' % secret)
        usage = 'client.cinder secret' if cluster == 'ceph' else '%s client.cinder secret' % cluster
        assert "<usage type='ceph'>" in xml and '<name>%s</name>' % usage in xml, xml
        value = compute.check_output('virsh -c qemu:///system secret-get-value %s' % secret).strip()
        assert value == get_key(cluster, 'client.cinder'), backend
        secrets[cluster] = secret
        libvirt_opens(cluster, 'volumes', secret)
    assert secrets['ceph'] != secrets['dr']
    # Nova's secret is the ceph backend's (one secret per pair), and it opens Nova's pool.
    libvirt_opens('ceph', 'vms', secrets['ceph'])


# The side effect step's external-mode run (molecule/default/side_effect.yml).
EXTERNAL_SECRET = '0b9d3c53-5d1e-4d5f-8f0e-0e5c2f3a6e01'


def test_external_mode_configures_the_compute_node_from_given_values(libvirt_opens):
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
    libvirt_opens('ceph', 'vms', EXTERNAL_SECRET)
