# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""glance_rbd, cinder_rbd and nova_rbd on localhost against copies of packaged-looking
configuration files: no Ceph, no services, no root.

Each role reads its file once (slurp) and runs community.general.ini_file only for the options
that differ. The runs: check mode predicts the writes and leaves the files alone, the real run
writes exactly those, a second run makes one read per file and no write, a check run after it
predicts nothing. The files are confirmed with configparser, an independent reader."""

import configparser
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')

SECRET_UUID = '4b5fd580-360c-4f8c-abb5-c83bb9a3f964'
PASSWORDS = ('RABBIT-PW-6be1', 'GLANCE-DB-PW-93c0', 'CINDER-DB-PW-51aa', 'NOVA-DB-PW-0f7d', 'KEYSTONE-PW-c2d4')

GLANCE_API_CONF = '''[DEFAULT]
#debug = false
transport_url = rabbit://openstack:RABBIT-PW-6be1@controller

[database]
connection = mysql+pymysql://glance:GLANCE-DB-PW-93c0@controller/glance

[glance_store]
# From glance.store
#stores = file,http
#default_store = file
#rbd_store_pool = images
#rbd_store_chunk_size = 8

[keystone_authtoken]
password = KEYSTONE-PW-c2d4

[paste_deploy]
flavor = keystone
'''

CINDER_CONF = '''[DEFAULT]
transport_url = rabbit://openstack:RABBIT-PW-6be1@controller
auth_strategy = keystone
enabled_backends = lvm
#backup_driver = cinder.backup.drivers.swift.SwiftBackupDriver

[database]
connection = mysql+pymysql://cinder:CINDER-DB-PW-51aa@controller/cinder

[lvm]
volume_driver = cinder.volume.drivers.lvm.LVMVolumeDriver
volume_group = cinder-volumes
'''

NOVA_CONF = '''[DEFAULT]
transport_url = rabbit://openstack:RABBIT-PW-6be1@controller

[database]
connection = mysql+pymysql://nova:NOVA-DB-PW-0f7d@controller/nova

[libvirt]
virt_type = kvm
#images_type = default
#rbd_user = <None>
'''

# host: (group list, {role's config-file variable: (file name, packaged text)})
HOSTS = {
    'controller': (['glance', 'cinder_volume', 'cinder_backup'],
                   {'glance_rbd_config_file': ('glance-api.conf', GLANCE_API_CONF),
                    'cinder_rbd_config_file': ('controller-cinder.conf', CINDER_CONF)}),
    # A cinder-backup node without cinder-volume: it reads the file too, for the backup options.
    'backup': (['cinder_backup'], {'cinder_rbd_config_file': ('backup-cinder.conf', CINDER_CONF)}),
    'compute': (['nova'], {'nova_rbd_config_file': ('nova.conf', NOVA_CONF)}),
}

PLAYBOOK = [
    {'hosts': 'glance', 'gather_facts': False, 'roles': ['openstack_ceph.rbd.glance_rbd']},
    {'hosts': 'cinder_volume:cinder_backup', 'gather_facts': False, 'roles': ['openstack_ceph.rbd.cinder_rbd']},
    {'hosts': 'nova', 'gather_facts': False, 'roles': ['openstack_ceph.rbd.nova_rbd']},
]

ROLES = ('glance_rbd', 'cinder_rbd', 'nova_rbd')


class Run(object):
    """One ansible-playbook run, read through the json callback."""

    def __init__(self, proc):
        self.output = proc.stdout + proc.stderr
        assert proc.returncode == 0, self.output[-4000:]
        self.data = json.loads(proc.stdout[proc.stdout.index('{'):])

    def results(self, action=None):
        """(role, task name, host, result) of every task that ran, handlers included."""
        for play in self.data['plays']:
            for task in play['tasks']:
                role, _sep, name = task['task']['name'].partition(' : ')
                for host, result in task['hosts'].items():
                    if action is None or result.get('action') == action:
                        yield role.split('.')[-1], name, host, result

    def calls(self, action):
        """Module invocations by (role, host): one per loop item that ran, one per task otherwise."""
        counts = {}
        for role, _name, host, result in self.results(action):
            if 'results' in result:
                n = len([r for r in result['results'] if not r.get('skipped')])
            else:
                n = 0 if result.get('skipped') else 1
            counts[(role, host)] = counts.get((role, host), 0) + n
        return counts

    def written_items(self):
        """{host: [{path, section, option, value}]} of the ini_file items that reported a change,
        the values as the roles gave them."""
        found = {}
        for _role, _name, host, result in self.results('community.general.ini_file'):
            for item in result.get('results', []):
                if item.get('changed'):
                    found.setdefault(host, []).append(dict(item[item['ansible_loop_var']], path=item['path']))
        return found

    def written(self):
        """(host, section, option, value) of every ini_file item that reported a change."""
        found = set()
        for _role, _name, host, result in self.results('community.general.ini_file'):
            for item in result.get('results', []):
                if item.get('changed'):
                    opt = item[item['ansible_loop_var']]
                    found.add((host, opt['section'], opt['option'], str(opt['value'])))
        return found

    def changed(self):
        return sum(s['changed'] for s in self.data['stats'].values())


@pytest.fixture
def lab(tmp_path):
    files = {}
    inventory = {'all': {'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                                  'glance_rbd_restart': False, 'cinder_rbd_restart': False, 'nova_rbd_restart': False,
                                  'cinder_rbd_backends': [{'name': 'ceph', 'secret_uuid': SECRET_UUID}],
                                  'nova_rbd_setting': {'cluster': 'ceph', 'pool': 'vms', 'user': 'cinder',
                                                       'secret_uuid': SECRET_UUID}},
                         'children': {}}}
    for host, (groups, configs) in HOSTS.items():
        host_vars = {}
        for variable, (name, text) in configs.items():
            path = tmp_path / name
            path.write_text(text)
            files[name] = path
            host_vars[variable] = str(path)
        for group in groups:
            inventory['all']['children'].setdefault(group, {'hosts': {}})['hosts'][host] = host_vars
    (tmp_path / 'inventory.yml').write_text(json.dumps(inventory))
    (tmp_path / 'playbook.yml').write_text(json.dumps(PLAYBOOK))

    def run(*args, **kwargs):
        playbook = tmp_path / 'playbook.yml'
        if 'plays' in kwargs:
            playbook = tmp_path / 'other.yml'
            playbook.write_text(json.dumps(kwargs['plays']))
        env = dict(os.environ,
                   ANSIBLE_STDOUT_CALLBACK='ansible.posix.json',
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'),
                   ANSIBLE_LOCALHOST_WARNING='False',
                   ANSIBLE_NOCOLOR='1')
        proc = subprocess.run([ANSIBLE_PLAYBOOK, '-i', str(tmp_path / 'inventory.yml'), str(playbook)]
                              + list(args), capture_output=True, text=True, env=env, timeout=600, check=False)
        return Run(proc)

    run.files = files
    run.dir = tmp_path
    return run


def read(path):
    """The file as an INI reader sees it; strict: a section or option twice is an error."""
    # [DEFAULT] is a section like the others here (oslo.config's DEFAULT is not configparser's).
    parser = configparser.ConfigParser(interpolation=None, strict=True, default_section='(none)')
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def snapshot(lab):
    return dict((name, path.read_bytes()) for name, path in lab.files.items())


def assert_converged(lab):
    glance = read(lab.files['glance-api.conf'])
    assert dict(glance['glance_store']) == {
        'stores': 'rbd,http', 'default_store': 'rbd', 'rbd_store_pool': 'images', 'rbd_store_user': 'glance',
        'rbd_store_ceph_conf': '/etc/ceph/ceph.conf', 'rbd_store_chunk_size': '8'}
    assert glance['DEFAULT']['show_image_direct_url'] == 'True'
    assert glance['paste_deploy']['flavor'] == 'keystone'
    assert glance['keystone_authtoken']['password'] == 'KEYSTONE-PW-c2d4'

    controller = read(lab.files['controller-cinder.conf'])
    assert controller['DEFAULT']['enabled_backends'] == 'lvm,ceph'
    assert controller['ceph']['rbd_pool'] == 'volumes' and controller['ceph']['rbd_user'] == 'cinder'
    assert controller['ceph']['rbd_secret_uuid'] == SECRET_UUID
    assert controller['ceph']['rbd_flatten_volume_from_snapshot'] == 'False'
    assert controller['ceph']['report_discard_supported'] == 'True'
    assert controller['DEFAULT']['backup_ceph_pool'] == 'backups'
    assert controller['DEFAULT']['backup_ceph_chunk_size'] == '134217728'
    assert controller['DEFAULT']['restore_discard_excess_bytes'] == 'True'
    assert controller['lvm']['volume_group'] == 'cinder-volumes'

    backup = read(lab.files['backup-cinder.conf'])
    assert backup['DEFAULT']['backup_driver'] == 'cinder.backup.drivers.ceph.CephBackupDriver'
    assert backup['DEFAULT']['backup_ceph_user'] == 'cinder-backup'
    # Not a volume node: no backend written, enabled_backends as packaged.
    assert backup['DEFAULT']['enabled_backends'] == 'lvm' and not backup.has_section('ceph')

    nova = read(lab.files['nova.conf'])
    assert dict(nova['libvirt']) == {
        'virt_type': 'kvm', 'images_type': 'rbd', 'images_rbd_pool': 'vms', 'images_rbd_ceph_conf': '/etc/ceph/ceph.conf',
        'rbd_user': 'cinder', 'rbd_secret_uuid': SECRET_UUID, 'disk_cachemodes': 'network=writeback',
        'hw_disk_discard': 'unmap', 'inject_password': 'False', 'inject_key': 'False', 'inject_partition': '-2',
        'live_migration_permit_auto_converge': 'True', 'live_migration_permit_post_copy': 'True'}
    assert nova['database']['connection'].endswith('NOVA-DB-PW-0f7d@controller/nova')


def test_one_read_per_file_and_writes_only_what_differs(lab):
    packaged = snapshot(lab)

    # Check mode on the packaged files: every write predicted, nothing written.
    check = lab('--check', '--diff')
    assert snapshot(lab) == packaged, 'check mode changed a file'
    predicted = check.written()
    for _role, _name, host, result in check.results('community.general.ini_file'):
        for item in result.get('results', []):
            opt = item[item['ansible_loop_var']]
            assert item['changed'] and not [p for p in PASSWORDS if p in str(item.get('diff'))], (host, opt, item.get('diff'))

    first = lab()
    assert first.written() == predicted and len(predicted) == 7 + 24 + 8 + 12, sorted(predicted)
    assert_converged(lab)
    # Each service's handler was notified (and skipped: restarts are off here).
    handlers = set(name for _r, name, _h, _res in first.results('ansible.builtin.service'))
    assert handlers == {'Restart glance-api', 'Restart cinder-volume', 'Restart cinder-backup', 'Restart nova-compute'}
    converged = snapshot(lab)

    second = lab()
    assert second.changed() == 0 and snapshot(lab) == converged
    assert second.calls('community.general.ini_file') == {
        ('glance_rbd', 'controller'): 0, ('cinder_rbd', 'controller'): 0, ('cinder_rbd', 'backup'): 0,
        ('nova_rbd', 'compute'): 0}
    assert second.calls('ansible.builtin.slurp') == {
        ('glance_rbd', 'controller'): 1, ('cinder_rbd', 'controller'): 1, ('cinder_rbd', 'backup'): 1,
        ('nova_rbd', 'compute'): 1}
    for _role, name, _host, result in second.results('community.general.ini_file'):
        assert result.get('skipped') and result.get('results', []) == [], (name, result)
    assert list(second.results('ansible.builtin.service')) == []

    again = lab('--check', '--diff')
    assert again.changed() == 0 and again.written() == set()

    # The filter found all 51 options in place: ini_file itself, given every one of them as the
    # roles gave them (booleans and numbers included), agrees.
    every_option = lab('--check', plays=[
        {'hosts': host, 'gather_facts': False, 'tasks': [{
            'name': 'every option the roles wrote',
            'community.general.ini_file': {'path': '{{ item.path }}', 'section': '{{ item.section }}',
                                           'option': '{{ item.option }}', 'value': '{{ item.value }}', 'create': False},
            'loop': items}]}
        for host, items in first.written_items().items()])
    assert sum(every_option.calls('community.general.ini_file').values()) == len(predicted)
    assert every_option.changed() == 0

    # The reads are no_log and the writes show no diff (ini_file's is the whole file): no run shows
    # the files' passwords, not even a --diff run that writes.
    for run in (check, first, second, again, every_option):
        assert not [p for p in PASSWORDS if p in run.output]


def test_only_the_drifted_option_is_written(lab):
    lab()
    nova = lab.files['nova.conf']
    nova.write_text(nova.read_text().replace('images_rbd_pool = vms', 'images_rbd_pool = old-vms'))
    glance = lab.files['glance-api.conf']
    # A commented-out copy: ini_file would delete it, so it is not in place.
    glance.write_text(glance.read_text().replace('rbd_store_user = glance', '#rbd_store_user = nobody\nrbd_store_user = glance'))
    run = lab()
    assert run.written() == {('compute', 'libvirt', 'images_rbd_pool', 'vms'),
                             ('controller', 'glance_store', 'rbd_store_user', 'glance')}
    assert set(name for _r, name, _h, _res in run.results('ansible.builtin.service')) == {'Restart glance-api', 'Restart nova-compute'}
    assert_converged(lab)
    assert '#rbd_store_user' not in glance.read_text()


def test_a_missing_file_fails_in_ini_file(lab):
    lab.files['nova.conf'].unlink()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'), ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([ANSIBLE_PLAYBOOK, '-i', str(lab.dir / 'inventory.yml'), str(lab.dir / 'playbook.yml'), '--limit', 'compute'],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert proc.returncode != 0
    assert 'Destination %s does not exist!' % lab.files['nova.conf'] in proc.stdout


@pytest.mark.parametrize('limit, extra, name', [
    ('compute', {'nova_rbd_setting': {'cluster': 'ceph', 'pool': 'vms', 'user': 'cinder', 'secret_uuid': SECRET_UUID + '\n'}},
     'nova.conf'),
    ('compute', {'nova_rbd_setting': {'cluster': 'ceph\n', 'pool': 'vms', 'user': 'cinder', 'secret_uuid': SECRET_UUID}},
     'nova.conf'),
    ('controller', {'glance_rbd_ceph_stores': [{'name': 'ceph\n', 'cluster': 'ceph', 'pool': 'images', 'user': 'glance'}]},
     'glance-api.conf'),
    ('controller', {'cinder_rbd_backends': [{'name': 'ceph\n', 'secret_uuid': SECRET_UUID}]}, 'controller-cinder.conf'),
])
def test_a_name_ending_in_a_newline_is_refused_before_its_file_changes(lab, limit, extra, name):
    """The roles' checks match whole values: a regex '$' also matched before a trailing newline,
    which would have written a section '[ceph\\n]' or a UUID with a newline into the file."""
    before = snapshot(lab)
    (lab.dir / 'extra.json').write_text(json.dumps(extra))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'), ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([ANSIBLE_PLAYBOOK, '-i', str(lab.dir / 'inventory.yml'), str(lab.dir / 'playbook.yml'),
                           '--limit', limit, '-e', '@%s' % (lab.dir / 'extra.json')],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert proc.returncode != 0, proc.stdout[-3000:]
    assert 'Invalid' in proc.stdout, proc.stdout[-3000:]
    assert snapshot(lab)[name] == before[name]
