# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/osa.yml writes what OpenStack-Ansible's ceph_client role takes from files, from the lab's two
real clusters. OpenStack-Ansible's roles are not on PyPI and its git server cannot be reached here, so none
of its code runs: this proves the files' names, modes and keys, that the keys come out of them the way
ceph_client reads them (a key line; awk for the other clusters' secrets), and that the user variables name
the secrets the collection's libvirt stage defined. The variables' names are checked against
OpenStack-Ansible's sources in tests/unit/plugins/filter/test_osa_config.py."""

import os
import re
import stat
import subprocess
import sys

import pytest
import testinfra.utils.ansible_runner
import yaml
from lab_run import ROOT, run


class Run(dict):
    """What the osa fixture gives; its keys never reach a failure's report."""

    def __repr__(self):
        return '<OpenStack-Ansible configuration in %s>' % self.get('config')


def recap(output, host='localhost'):
    line = [x for x in output[output.rindex('PLAY RECAP'):].splitlines() if x.startswith(host)][0]
    return dict(part.split('=') for part in line.split()[2:])


@pytest.fixture(scope='module')
def osa(tmp_path_factory):
    hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
    ceph, compute = hosts.get_host('osc-lab-ceph'), hosts.get_host('osc-lab-compute')
    work = str(tmp_path_factory.mktemp('osa'))
    config = os.path.join(work, 'openstack_deploy')
    os.makedirs(config)
    deploy = os.path.join(work, 'deploy.yml')
    with open(deploy, 'w') as f:
        f.write('osa_deploy:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                '      ansible_python_interpreter: %s\n' % sys.executable)
    ours = ['ansible-playbook', '-i', os.path.join(ROOT, 'inventories', 'lab'), '-i', deploy,
            os.path.join(ROOT, 'playbooks', 'osa.yml'), '-e', 'osa_ceph_config_path=%s' % config, '--diff']
    checked = run(ours + ['--check', '-vv'])
    after_check = sorted(os.listdir(config))
    written = run(ours)
    again = run(ours)
    keys = dict(('%s/%s' % (c, u), ceph.check_output('ceph --cluster %s auth get-key client.%s' % (c, u)).strip())
                for c, u in (('ceph', 'glance'), ('ceph', 'cinder'), ('dr', 'cinder'), ('dr', 'glance'),
                             ('dr', 'cinder-backup')))
    secrets = {}
    for line in compute.check_output('virsh -c qemu:///system secret-list').splitlines():
        found = re.match(r'\s*([0-9a-f-]{36})\s+ceph (?:(\S+) )?client\.cinder secret', line)
        if found:
            secrets[found.group(2) or 'ceph'] = found.group(1)
    confs = dict((c, ceph.check_output('ceph --cluster %s config generate-minimal-conf' % c)) for c in ('ceph', 'dr'))
    return Run(config=config, checked=checked, written=written, again=again, after_check=after_check, keys=keys,
               secrets=secrets, confs=confs)


def user_variables(osa):
    with open(os.path.join(osa['config'], 'user_variables_openstack_ceph_rbd.yml')) as f:
        return yaml.safe_load(f)


def key_line(path):
    """The key as ceph_client takes it for the libvirt secret: the value of the keyring's key line."""
    with open(path) as f:
        found = re.search(r'^\s*key\s*=\s*(.*)$', f.read(), re.MULTILINE)
    return found.group(1).strip() if found else None


def test_osa_playbook_checks_writes_and_then_changes_nothing(osa):
    checked, written, again = osa['checked'], osa['written'], osa['again']
    assert checked.returncode == 0, checked.stdout[-4000:]
    assert int(recap(checked.stdout)['changed']) > 0
    assert osa['after_check'] == []
    assert written.returncode == 0, written.stdout[-4000:]
    assert again.returncode == 0 and recap(again.stdout)['changed'] == '0', again.stdout[-4000:]
    said = written.stdout[:written.stdout.index('The keyrings directory ceph_client reads')]
    # The lab's Glance store dr and cinder-backup on dr: said before anything is written.
    assert 'Glance store dr (pool images of cluster dr)' in said and 'cinder-backup: its cluster is dr' in said


def test_osa_keyrings_are_named_as_ceph_client_reads_them_and_hold_cephs_keys(osa):
    keyrings = os.path.join(osa['config'], 'ceph-keyrings')
    assert stat.S_IMODE(os.stat(keyrings).st_mode) == 0o750
    modes = dict((name, stat.S_IMODE(os.stat(os.path.join(keyrings, name)).st_mode)) for name in os.listdir(keyrings))
    assert modes == {'glance.keyring': 0o600, 'cinder.keyring': 0o600, 'dr.client.cinder.keyring': 0o600,
                     'dr.conf': 0o640}
    for name, key in (('glance.keyring', 'ceph/glance'), ('cinder.keyring', 'ceph/cinder'),
                      ('dr.client.cinder.keyring', 'dr/cinder')):
        if key_line(os.path.join(keyrings, name)) != osa['keys'][key]:
            pytest.fail('%s does not hold the key Ceph has for %s' % (name, key))
    # ceph_client sets the other clusters' libvirt secrets from the keyring with awk's third field.
    awk = subprocess.run(['awk', '/key = /{print $3}', os.path.join(keyrings, 'dr.client.cinder.keyring')],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True)
    if awk.stdout.strip() != osa['keys']['dr/cinder']:
        pytest.fail("awk does not find client.cinder's key of dr in dr.client.cinder.keyring")
    with open(os.path.join(keyrings, 'dr.conf')) as f:
        assert f.read() == ''.join(line.strip() + '\n' for line in osa['confs']['dr'].splitlines() if line.strip())


def test_osa_user_variables_name_the_collections_secrets_pools_and_users(osa):
    variables = user_variables(osa)
    assert stat.S_IMODE(os.stat(os.path.join(osa['config'], 'user_variables_openstack_ceph_rbd.yml')).st_mode) == 0o640
    secrets = osa['secrets']
    assert set(secrets) >= {'ceph', 'dr'}, secrets
    assert variables['ceph_keyrings_dir'] == os.path.join(osa['config'], 'ceph-keyrings')
    assert 'fsid = ' in variables['ceph_conf_file'] and '\t' not in variables['ceph_conf_file']
    assert variables['ceph_conf_file'].split('fsid = ')[1].split()[0] in osa['confs']['ceph']
    assert (variables['glance_default_store'], variables['glance_ceph_client'], variables['glance_rbd_store_pool']) == (
        'rbd', 'glance', 'images')
    backends = variables['cinder_backends']
    assert backends['ceph']['rbd_secret_uuid'] == secrets['ceph'] == variables['cinder_ceph_client_uuid']
    assert backends['dr']['rbd_secret_uuid'] == secrets['dr']
    assert (backends['dr']['rbd_ceph_conf'], backends['ceph']['rbd_ceph_conf']) == ('/etc/ceph/dr.conf', '/etc/ceph/ceph.conf')
    assert variables['ceph_extra_confs'] == [{
        'src': os.path.join(osa['config'], 'ceph-keyrings', 'dr.conf'), 'dest': '/etc/ceph/dr.conf',
        'client_name': 'cinder', 'keyring_src': os.path.join(osa['config'], 'ceph-keyrings', 'dr.client.cinder.keyring'),
        'keyring_dest': '/etc/ceph/dr.client.cinder.keyring', 'secret_uuid': secrets['dr']}]
    assert (variables['nova_libvirt_images_rbd_pool'], variables['nova_ceph_client'], variables['nova_ceph_client_uuid']) == (
        'vms', 'cinder', secrets['ceph'])
    assert 'cinder_service_backup_driver' not in variables


def test_osa_playbook_without_a_deploy_host_fails_naming_the_group():
    refused = run(['ansible-playbook', '-i', os.path.join(ROOT, 'inventories', 'lab'),
                   os.path.join(ROOT, 'playbooks', 'osa.yml')])
    assert refused.returncode != 0
    assert 'No host of the inventory is in group osa_deploy (openstack_ceph_group_osa_deploy names it)' in refused.stdout, \
        refused.stdout[-3000:]


def test_no_key_in_any_output_of_the_osa_playbook(osa):
    with open(os.path.join(osa['config'], 'user_variables_openstack_ceph_rbd.yml')) as f:
        outputs = [osa['checked'].stdout, osa['written'].stdout, osa['again'].stdout, f.read()]
    for number, output in enumerate(outputs):
        for name, key in osa['keys'].items():
            if key in output:
                pytest.fail('output %d of the OpenStack-Ansible test holds the key of %s' % (number, name))
