# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/rotate.yml on the lab's two real clusters: check mode shows the plan and changes nothing; the real
run gives client.glance (on both clusters) and client.cinder-backup (on dr) new keys, writes them to the keyrings,
restarts glance-api and cinder-backup and nothing else, and the old keys are refused; a second run changes
nothing; a run stopped midway completes when run again, without a second new key; a user that a running guest
uses, and a key type the lab's Reef monitors cannot take, are refused before anything changes. Every state is
read independently (ceph auth get-key, the files, systemctl, rbd with the old key) and no output holds a key."""

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import testinfra.utils.ansible_runner
from cephx_keys import find_keys
from lab_run import docker, playbook

ROTATE = 'playbooks/rotate.yml'
hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
PAIRS = (('ceph', 'glance'), ('dr', 'glance'), ('dr', 'cinder-backup'), ('ceph', 'cinder'), ('dr', 'cinder'))
ROTATED = PAIRS[:3]
UNITS = ('glance-api', 'cinder-volume', 'cinder-backup')


def host(name):
    return hosts.get_host(name)


def now():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


def rotate(*args):
    return playbook(ROTATE, *args)


def users(*names):
    return ['-e', '{"openstack_ceph_rotate_users": [%s]}' % ', '.join('"%s"' % n for n in names)]


def recap(output):
    return dict((line.split()[0], dict(p.split('=') for p in line.split()[2:]))
                for line in output[output.rindex('PLAY RECAP'):].splitlines()[1:] if ':' in line)


def keys():
    ceph = host('osc-lab-ceph')
    return dict(((c, u), ceph.check_output('ceph --cluster %s auth get-key client.%s' % (c, u)).strip()) for c, u in PAIRS)


def keyring_key(node, cluster, user):
    text = node.check_output('cat /etc/ceph/%s.client.%s.keyring' % (cluster, user))
    return re.search(r'^\s*key\s*=\s*(\S+)', text, re.MULTILINE).group(1)


def started(node, unit):
    return node.check_output('systemctl show -p ActiveEnterTimestampMonotonic --value %s' % unit).strip()


def with_key(container, cluster, user, key, command):
    """Run an rbd command on a lab node as the user with this key, from a 0600 file the key reaches on stdin."""
    path = '/root/rotate-test.keyring'
    write = docker(container, 'sh', '-c', 'umask 077; cat > %s' % path, input='[client.%s]\n\tkey = %s\n' % (user, key),
                   universal_newlines=True)
    assert write.returncode == 0, write.stderr
    try:
        return host(container).run('timeout 60 rbd --cluster %s --id %s --keyring %s %s' % (cluster, user, path, command))
    finally:
        host(container).run('rm -f %s' % path)


class Runs(dict):
    def __repr__(self):
        return '<rotate.yml runs>'


@pytest.fixture(scope='module')
def rotation():
    controller, compute = host('osc-lab-controller'), host('osc-lab-compute')
    before = keys()
    files = dict((p, controller.check_output('sha256sum /etc/ceph/%s.client.%s.keyring' % p)) for p in PAIRS)
    units = dict((u, started(controller, u)) for u in UNITS)
    nova = started(compute, 'nova-compute')
    time.sleep(1.1)
    began = now()
    args = users('glance', 'cinder-backup') + ['-e', 'openstack_ceph_rotate_before=%s' % began]
    checked = rotate(*(args + ['--check', '--diff']))
    after_check = keys()
    files_after_check = dict((p, controller.check_output('sha256sum /etc/ceph/%s.client.%s.keyring' % p)) for p in PAIRS)
    done = rotate(*args)
    after = keys()
    again = rotate(*args)
    return Runs(before=before, files=files, units=units, nova=nova, checked=checked, after_check=after_check,
                files_after_check=files_after_check, done=done, after=after, again=again, began=began,
                units_after=dict((u, started(controller, u)) for u in UNITS), nova_after=started(compute, 'nova-compute'))


def test_check_mode_shows_the_plan_and_changes_nothing(rotation):
    out = rotation['checked'].stdout
    assert rotation['checked'].returncode == 0, out[-3000:]
    assert rotation['after_check'] == rotation['before'] and rotation['files_after_check'] == rotation['files']
    for cluster, user in ROTATED:
        assert 'client.%s on cluster %s gets a new key' % (user, cluster) in out
        assert 'osc-lab-controller:/etc/ceph/%s.client.%s.keyring' % (cluster, user) in out
    assert 'osc-lab-controller:glance-api' in out and 'osc-lab-controller:cinder-backup' in out
    assert 'client.cinder on' not in out
    assert 'Check mode: nothing was changed' in out


def test_the_real_run_gives_new_keys_to_exactly_the_named_users(rotation):
    assert rotation['done'].returncode == 0, rotation['done'].stdout[-4000:]
    for pair in PAIRS:
        if pair in ROTATED:
            assert rotation['after'][pair] != rotation['before'][pair], pair
        else:
            assert rotation['after'][pair] == rotation['before'][pair], pair
    assert 'Complete.' in rotation['done'].stdout


def test_each_keyring_holds_the_new_key_and_only_the_services_reading_one_restarted(rotation):
    controller = host('osc-lab-controller')
    for cluster, user in PAIRS:
        assert keyring_key(controller, cluster, user) == rotation['after'][(cluster, user)], (cluster, user)
    assert keyring_key(host('osc-lab-compute'), 'ceph', 'cinder') == rotation['after'][('ceph', 'cinder')]
    restarted = [u for u in UNITS if rotation['units_after'][u] != rotation['units'][u]]
    assert restarted == ['glance-api', 'cinder-backup'], restarted
    assert rotation['nova_after'] == rotation['nova']


def test_the_new_keys_work_and_the_old_ones_are_refused_by_ceph(rotation):
    for cluster, user, pool in (('ceph', 'glance', 'images'), ('dr', 'glance', 'images'), ('dr', 'cinder-backup', 'backups')):
        new = with_key('osc-lab-controller', cluster, user, rotation['after'][(cluster, user)], 'ls %s' % pool)
        assert new.rc == 0, (cluster, user, new.stderr)
        old = with_key('osc-lab-controller', cluster, user, rotation['before'][(cluster, user)], 'ls %s' % pool)
        assert old.rc != 0 and 'permission denied' in old.stderr.lower(), (cluster, user, old.stderr)
    assert 'the old key is refused' in rotation['done'].stdout


def test_a_second_run_rotates_nothing_and_changes_nothing(rotation):
    assert rotation['again'].returncode == 0, rotation['again'].stdout[-3000:]
    assert all(h['changed'] == '0' and h['failed'] == '0' for h in recap(rotation['again'].stdout).values())
    assert 'Rotated in Ceph in this run: nothing' in rotation['again'].stdout
    assert keys() == rotation['after']


def test_no_key_old_or_new_in_any_output(rotation):
    every = set(rotation['before'].values()) | set(rotation['after'].values())
    for name in ('checked', 'done', 'again'):
        out = rotation[name].stdout
        assert not [k for k in every if k in out] and not find_keys(out), name


def test_a_run_stopped_midway_is_completed_by_a_run_again_without_a_second_new_key(rotation):
    controller = host('osc-lab-controller')
    path = '/etc/ceph/dr.client.cinder-backup.keyring'
    # The keyring's place taken by a directory: the Ceph side rotates, then the keyring stage fails there.
    controller.check_output('mv %s %s.moved && mkdir %s' % (path, path, path))
    time.sleep(1.1)
    began = now()
    args = users('cinder-backup') + ['-e', 'openstack_ceph_rotate_before=%s' % began]
    try:
        stopped = rotate(*args)
        rotated = keys()[('dr', 'cinder-backup')]
    finally:
        controller.check_output('rmdir %s && mv %s.moved %s' % (path, path, path))
    assert stopped.returncode != 0
    assert rotated != rotation['after'][('dr', 'cinder-backup')], 'the Ceph side did not rotate before the failure'
    # Said before the nodes were written: the playbook stops with the host that failed.
    assert 'New keys in Ceph: client.cinder-backup on cluster dr' in stopped.stdout
    assert 'run it again with the same openstack_ceph_rotate_before' in stopped.stdout
    completed = rotate(*args)
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert keys()[('dr', 'cinder-backup')] == rotated, 'the run again made a second new key'
    assert keyring_key(controller, 'dr', 'cinder-backup') == rotated
    assert 'Rotated in Ceph in this run: nothing' in completed.stdout and 'Complete.' in completed.stdout
    for out in (stopped.stdout, completed.stdout):
        assert rotated not in out and not find_keys(out)


GUEST = """<domain type='qemu'><name>rotate-guest</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='network' device='disk'><driver name='qemu' type='raw' cache='none'/>
<source protocol='rbd' name='vms/rotate-guest'><host name='127.0.0.1' port='3300'/></source>
<auth username='cinder'><secret type='ceph' uuid='%s'/></auth><target dev='vda' bus='virtio'/></disk>
</devices></domain>"""


@pytest.fixture
def running_guest():
    """A guest whose disk QEMU opened with client.cinder's key, through the collection's libvirt secret."""
    ceph, compute = host('osc-lab-ceph'), host('osc-lab-compute')
    secret = [line.split()[0] for line in compute.check_output('virsh -c qemu:///system secret-list').splitlines()
              if line.split()[1:] == ['ceph', 'client.cinder', 'secret']][0]
    ceph.check_output('rbd create --size 8 vms/rotate-guest')
    try:
        made = docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', 'create', '/dev/stdin', input=GUEST % secret,
                      universal_newlines=True)
        assert made.returncode == 0, made.stderr
        yield 'rotate-guest'
    finally:
        compute.run('virsh -c qemu:///system destroy rotate-guest')
        ceph.run('rbd rm --no-progress vms/rotate-guest')


def test_a_user_that_running_guests_use_is_refused_before_anything_changes(running_guest):
    before = keys()
    run = rotate(*(users('cinder') + ['-e', 'openstack_ceph_rotate_before=%s' % now()]))
    assert run.returncode != 0
    assert 'Nothing was changed' in run.stdout and 'rotate-guest on osc-lab-compute' in run.stdout
    assert 'openstack_ceph_rotate_force' in run.stdout
    assert keys() == before
    assert not find_keys(run.stdout)


def test_a_key_type_the_monitors_or_clients_cannot_use_is_refused_before_anything_changes():
    before = keys()
    run = rotate(*(users('glance') + ['-e', 'openstack_ceph_rotate_key_type=aes256k']))
    assert run.returncode != 0 and 'Nothing was changed' in run.stdout
    release = host('osc-lab-ceph').check_output('ceph version').split()[2]
    if not release.startswith(('19.', '20.', '21.')):
        assert 'the monitors run Ceph %s' % release in run.stdout, run.stdout[-2000:]
        assert 'cannot use keys of type aes256k' in run.stdout and 'osc-lab-controller (librados2' in run.stdout
    assert keys() == before and not find_keys(run.stdout)


def test_bad_rotation_variables_are_refused_naming_the_variable():
    cases = (([], 'openstack_ceph_rotate_users'),
             (users('glance'), 'openstack_ceph_rotate_before'),
             (users('glance') + ['-e', 'openstack_ceph_rotate_before=tomorrow'], 'openstack_ceph_rotate_before must be a time'),
             (users('glance') + ['-e', 'openstack_ceph_rotate_before=2999-01-01'], 'in the future'),
             (users('nobody') + ['-e', 'openstack_ceph_rotate_before=%s' % now()], 'names nobody'),
             (users('glance') + ['-e', 'openstack_ceph_rotate_before=%s' % now(),
                                 '-e', '{"openstack_ceph_rotate_clusters": ["nowhere"]}'], 'nowhere'))
    # Each run is refused after the clusters' reads and before anything changes, so they may run side by side.
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(lambda case: rotate(*case[0]), cases))
    for (args, words), run in zip(cases, runs):
        assert run.returncode != 0 and words in run.stdout, (args, run.stdout[-1500:])
