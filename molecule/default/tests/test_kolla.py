# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/kolla.yml writes what kolla-ansible's external Ceph support reads, and kolla-ansible's own
code (20.4.0, its 2025.1 series, from PyPI: make kolla-venv, requirements-kolla.txt says why this
version) generates Glance's, Cinder's and Nova's configuration from it: kolla-ansible genconfig -t
glance,cinder,nova. No kolla container runs. The keys are
compared with an independent read, ceph auth get-key on the lab's Ceph node, and never printed."""

import os
import shutil
import stat
import sys

import pytest
import lab_run
import testinfra.utils.ansible_runner

ROOT = lab_run.ROOT
KOLLA_VENV = os.path.join(ROOT, '.build', 'kolla-ansible')
KOLLA_SHARE = os.path.join(KOLLA_VENV, 'share', 'kolla-ansible')
# kolla-ansible 20.x deploys OpenStack 2025.1, the release of the trixie lab.
KOLLA_SUITE = 'trixie'

# A minimal globals.yml: kolla-ansible's own defaults for the rest.
GLOBALS = """---
kolla_base_distro: debian
network_interface: lo
neutron_external_interface: lo
kolla_internal_vip_address: 127.0.0.1
enable_haproxy: false
enable_cinder: true
enable_cinder_backup: true
"""


def run(argv, env=None, cwd=None):
    """kolla-ansible's commands run from the directory given (its own ansible.cfg lookup), without colours."""
    return lab_run.run(argv, timeout=1200, cwd=cwd, env=env)


class Run(dict):
    """What the kolla fixture gives; its keys never reach a failure's report."""

    def __repr__(self):
        return '<kolla-ansible configuration in %s>' % self.get('config')


def same_key(text, entity, key, where):
    """Fails, without showing either key, unless the keyring text holds the key for the entity."""
    if ini(text).get(entity, {}).get('key') != key:
        pytest.fail('%s does not hold the key Ceph has for %s' % (where, entity))


def ini(text):
    """{section: {option: value}} of an INI text."""
    out, section = {}, None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('[') and line.endswith(']'):
            section = out.setdefault(line[1:-1], {})
        elif '=' in line and section is not None and not line.startswith('#'):
            k, v = line.split('=', 1)
            section[k.strip()] = v.strip()
    return out


@pytest.fixture(scope='module')
def lab():
    hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
    ceph, controller, compute = (hosts.get_host(h) for h in ('osc-lab-ceph', 'osc-lab-controller', 'osc-lab-compute'))
    if controller.system_info.codename != KOLLA_SUITE:
        pytest.skip('kolla-ansible 20.x is for OpenStack 2025.1, the release of the %s lab' % KOLLA_SUITE)
    return ceph, controller, compute


@pytest.fixture(scope='module')
def kolla(lab, tmp_path_factory):
    """kolla-ansible's configuration directory, written by playbooks/kolla.yml (checked, run, run again)."""
    ceph = lab[0]
    work = str(tmp_path_factory.mktemp('kolla'))
    config = os.path.join(work, 'etc-kolla')
    os.makedirs(config)
    with open(os.path.join(config, 'globals.yml'), 'w') as f:
        f.write(GLOBALS)
    shutil.copy(os.path.join(KOLLA_SHARE, 'etc_examples', 'kolla', 'passwords.yml'), config)
    kenv = dict(os.environ, PATH=os.path.join(KOLLA_VENV, 'bin') + os.pathsep + os.environ['PATH'], ANSIBLE_NOCOLOR='1')
    # kolla-ansible's own runs see its own ansible and collections only.
    for name in ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH', 'ANSIBLE_CONFIG'):
        kenv.pop(name, None)
    genpwd = run(['kolla-genpwd', '-p', os.path.join(config, 'passwords.yml')], env=kenv)
    assert genpwd.returncode == 0, genpwd.stdout

    deploy = os.path.join(work, 'deploy.yml')
    with open(deploy, 'w') as f:
        f.write('kolla_deploy:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                '      ansible_python_interpreter: %s\n' % sys.executable)
    ours = ['ansible-playbook', '-i', os.path.join(ROOT, 'inventories', 'lab'), '-i', deploy,
            os.path.join(ROOT, 'playbooks', 'kolla.yml'), '-e', 'kolla_ceph_config_path=%s' % config]
    outputs = []
    checked = run(ours + ['--check', '--diff', '-vv'], cwd=ROOT)
    outputs.append(checked.stdout)
    after_check = sorted(os.listdir(config))
    written = run(ours + ['--diff'], cwd=ROOT)
    outputs.append(written.stdout)
    again = run(ours + ['--diff'], cwd=ROOT)
    outputs.append(again.stdout)
    keys = dict(('%s/%s' % (cluster, user),
                 ceph.check_output('ceph --cluster %s auth get-key client.%s' % (cluster, user)).strip())
                for cluster, user in (('ceph', 'glance'), ('ceph', 'cinder'), ('dr', 'glance'), ('dr', 'cinder'),
                                      ('dr', 'cinder-backup')))
    return Run(config=config, env=kenv, checked=checked, written=written, again=again, after_check=after_check,
               outputs=outputs, keys=keys, work=work)


def recap(output, host='localhost'):
    line = [x for x in output[output.rindex('PLAY RECAP'):].splitlines() if x.startswith(host)][0]
    return dict(part.split('=') for part in line.split()[2:])


def test_kolla_playbook_checks_writes_and_then_changes_nothing(kolla):
    checked, written, again = kolla['checked'], kolla['written'], kolla['again']
    assert checked.returncode == 0, checked.stdout[-4000:]
    # Check mode predicts the files and writes none.
    assert int(recap(checked.stdout)['changed']) > 0
    assert kolla['after_check'] == ['globals.yml', 'passwords.yml']
    assert written.returncode == 0, written.stdout[-4000:]
    assert int(recap(written.stdout)['changed']) > 0
    assert again.returncode == 0, again.stdout[-4000:]
    assert recap(again.stdout)['changed'] == '0', again.stdout[-4000:]
    # The lab's Cinder backend dr is on a cluster kolla-ansible gives Nova no secret for: said before writing.
    said = written.stdout[:written.stdout.index('The directories kolla-ansible reads')]
    assert 'Cinder backend dr (client.cinder on cluster dr)' in said and 'Nova cannot attach' in said


def test_kolla_files_are_named_as_kolla_ansible_reads_them_with_tight_modes(kolla):
    custom = os.path.join(kolla['config'], 'config')
    found = {}
    for base, _dirs, files in os.walk(custom):
        for name in files:
            path = os.path.join(base, name)
            found[os.path.relpath(path, custom)] = stat.S_IMODE(os.stat(path).st_mode)
    keyrings = dict((p, m) for p, m in found.items() if p.endswith('.keyring'))
    assert sorted(keyrings) == [
        'cinder/cinder-backup/ceph.client.cinder.keyring', 'cinder/cinder-backup/dr.client.cinder-backup.keyring',
        'cinder/cinder-backup/dr.client.cinder.keyring', 'cinder/cinder-volume/ceph.client.cinder.keyring',
        'cinder/cinder-volume/dr.client.cinder.keyring', 'glance/ceph.client.glance.keyring',
        'glance/dr.client.glance.keyring', 'nova/ceph.client.cinder.keyring']
    assert set(keyrings.values()) == {0o600}
    confs = dict((p, m) for p, m in found.items() if p.endswith('.conf'))
    assert sorted(confs) == ['cinder/ceph.conf', 'cinder/dr.conf', 'glance/ceph.conf', 'glance/dr.conf',
                             'glance/glance-api.conf', 'nova/ceph.conf']
    assert set(confs.values()) == {0o640}
    for path in confs:
        with open(os.path.join(custom, path)) as f:
            assert '\t' not in f.read(), path
    with open(os.path.join(custom, 'glance', 'ceph.client.glance.keyring')) as f:
        same_key(f.read(), 'client.glance', kolla['keys']['ceph/glance'], 'glance/ceph.client.glance.keyring')


def test_kolla_ansible_genconfig_makes_glance_and_cinder_use_our_pools_users_and_keys(kolla, lab):
    controller = lab[1]
    inventory = os.path.join(kolla['work'], 'multinode')
    with open(os.path.join(KOLLA_SHARE, 'ansible', 'inventory', 'all-in-one')) as f:
        text = f.read()
    # kolla-ansible's all-in-one inventory, its hosts being the lab's controller and compute containers.
    reach = ' ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3'
    text = text.replace('[compute]\nlocalhost       ansible_connection=local', '[compute]\nosc-lab-compute' + reach)
    text = text.replace('localhost       ansible_connection=local', 'osc-lab-controller' + reach)
    with open(inventory, 'w') as f:
        f.write(text)
    kolla['inventory'] = inventory
    # Only what this genconfig writes is checked.
    for node in lab[1:]:
        node.check_output('rm -rf /etc/kolla')
    generated = run(['kolla-ansible', 'genconfig', '-i', inventory, '--configdir', kolla['config'], '--tags',
                     'glance,cinder,nova'], env=kolla['env'], cwd=kolla['work'])
    kolla['outputs'].append(generated.stdout)
    assert generated.returncode == 0, generated.stdout[-6000:]

    glance = ini(controller.file('/etc/kolla/glance-api/glance-api.conf').content_string)
    assert glance['glance_store']['default_backend'] == 'ceph'
    assert glance['ceph']['rbd_store_pool'] == 'images' and glance['ceph']['rbd_store_user'] == 'glance'
    assert glance['ceph']['rbd_store_ceph_conf'] == '/etc/ceph/ceph.conf'
    assert glance['dr']['rbd_store_ceph_conf'] == '/etc/ceph/dr.conf'
    # From the override file playbooks/kolla.yml merged the option into: kolla-ansible 20.x does not set it.
    assert glance['DEFAULT']['show_image_direct_url'].lower() == 'true'
    path = '/etc/kolla/glance-api/ceph/dr.client.glance.keyring'
    same_key(controller.file(path).content_string, 'client.glance', kolla['keys']['dr/glance'], path)

    volume = ini(controller.file('/etc/kolla/cinder-volume/cinder.conf').content_string)
    assert set(volume['DEFAULT']['enabled_backends'].split(',')) == {'ceph', 'dr'}
    assert volume['dr']['rbd_pool'] == 'volumes' and volume['dr']['rbd_user'] == 'cinder'
    assert volume['dr']['rbd_ceph_conf'] == '/etc/ceph/dr.conf'
    for cluster in ('ceph', 'dr'):
        path = '/etc/kolla/cinder-volume/ceph/%s.client.cinder.keyring' % cluster
        same_key(controller.file(path).content_string, 'client.cinder', kolla['keys'][cluster + '/cinder'], path)
        assert controller.file('/etc/kolla/cinder-volume/ceph/%s.conf' % cluster).exists

    backup = ini(controller.file('/etc/kolla/cinder-backup/cinder.conf').content_string)['DEFAULT']
    assert (backup['backup_ceph_conf'], backup['backup_ceph_user'], backup['backup_ceph_pool']) == (
        '/etc/ceph/dr.conf', 'cinder-backup', 'backups')
    path = '/etc/kolla/cinder-backup/ceph/dr.client.cinder-backup.keyring'
    same_key(controller.file(path).content_string, 'client.cinder-backup', kolla['keys']['dr/cinder-backup'], path)


def test_kolla_ansible_genconfig_makes_nova_compute_name_our_secret_with_our_key(kolla, lab):
    compute = lab[2]
    if 'inventory' not in kolla:
        pytest.skip('kolla-ansible genconfig ran in the test before')
    # The secret UUID: the one our libvirt stage defined on the lab's compute node for client.cinder of ceph.
    ours = compute.check_output("virsh -c qemu:///system secret-list | awk '/ceph client.cinder secret/ {print $1}'")
    assert ours
    libvirt = ini(compute.file('/etc/kolla/nova-compute/nova.conf').content_string)['libvirt']
    assert (libvirt['images_type'], libvirt['images_rbd_pool'], libvirt['rbd_user']) == ('rbd', 'vms', 'cinder')
    # Nova and Cinder are one user: Nova's disks keep kolla-ansible's own secret, the volumes' is ours.
    with open(os.path.join(kolla['config'], 'globals.d', 'openstack-ceph-rbd.yml')) as f:
        assert 'cinder_rbd_secret_uuid: %s' % ours in f.read()
    secret = compute.file('/etc/kolla/nova-libvirt/secrets/%s.base64' % ours)
    assert secret.mode == 0o600
    if secret.content_string.strip() != kolla['keys']['ceph/cinder']:
        pytest.fail('%s does not hold the key Ceph has for client.cinder' % secret.path)
    assert "<usage type='ceph'>" in compute.file('/etc/kolla/nova-libvirt/secrets/%s.xml' % ours).content_string
    path = '/etc/kolla/nova-compute/ceph.client.cinder.keyring'
    same_key(compute.file(path).content_string, 'client.cinder', kolla['keys']['ceph/cinder'], path)


def test_no_key_in_any_output_of_our_playbook_or_of_kolla_ansible(kolla):
    assert len(kolla['outputs']) >= 3
    for number, output in enumerate(kolla['outputs']):
        for name, key in kolla['keys'].items():
            if key in output:
                pytest.fail('output %d of the kolla test holds the key of %s' % (number, name))
