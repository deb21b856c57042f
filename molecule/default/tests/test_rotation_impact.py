# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What rotating client.cinder and client.glance does to running clients, measured on the lab's cluster "ceph"
with its monitors' ticket lifetimes shortened (auth tickets 40 s, service tickets 20 s), so that renewals
happen within the test.

A guest (QEMU through libvirt, its disk a Cinder volume opened with client.cinder's key from the collection's
libvirt secret) reads its disk every second. A loop creates and deletes a small Cinder volume and a Glance
image. rotate.yml runs in the middle, with openstack_ceph_rotate_force. The test records every request and
read, and writes the figures to .build/rotation-impact.json. Then the OSD is marked down, so that the guest
reconnects to it with the service ticket it still has; a stop and start of the guest brings it onto the new
key. The old keys are put back at the end, and site.yml writes them again, so the tests after this one find
the lab as it was.

The service tickets' shorter lifetime applies only to the rotating service secrets the monitors make after
the change; those the lab's cluster made at its start keep their hour, so the guest's last ticket stays valid
through the test. What happens once it no longer is (every new OSD connection refused) is in
docs/guide/rotation.md, from Ceph's sources and a trial on clusters started with short lifetimes."""

import json
import os
import subprocess
import threading
import time

import pytest
import testinfra.utils.ansible_runner
from cephx_keys import find_keys
from lab_keystone import token

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
INVENTORY = os.environ['MOLECULE_INVENTORY_FILE']
GLANCE = 'http://127.0.0.1:9292'
CINDER = 'http://127.0.0.1:8776/v3'
TTL = {'auth_mon_ticket_ttl': 40, 'auth_service_ticket_ttl': 20}
BEFORE, AFTER = 20, 60
GUEST = """<domain type='qemu'><name>impact-guest</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='network' device='disk'><driver name='qemu' type='raw' cache='none'/>
<source protocol='rbd' name='volumes/volume-%s'><host name='127.0.0.1' port='3300'/></source>
<auth username='cinder'><secret type='ceph' uuid='%s'/></auth><target dev='vda' bus='virtio'/><readonly/></disk>
</devices></domain>"""


def docker(container, *argv, **kwargs):
    return subprocess.run(['docker', 'exec', '-i', container] + list(argv), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, check=False, **kwargs)


def ceph(*argv):
    done = docker('osc-lab-ceph', 'ceph', *argv, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def api(method, url, body=None, data=None, timeout=30):
    """One request from the controller, where the APIs listen: (HTTP status or None, JSON or None)."""
    argv = ['curl', '-s', '-m', str(timeout), '-o', '/dev/stdout', '-w', '\n%{http_code}', '-X', method,
            '-H', 'X-Auth-Token: %s' % token(hosts.get_host('osc-lab-controller')), url]
    if body is not None:
        argv += ['-H', 'Content-Type: application/json', '-d', json.dumps(body)]
    if data is not None:
        argv += ['-H', 'Content-Type: application/octet-stream', '--data-binary', '@-']
    done = docker('osc-lab-controller', *argv, input=data, timeout=timeout + 10)
    text, code = done.stdout.rpartition('\n')[::2]
    try:
        return int(code), (json.loads(text) if text.strip() else None)
    except ValueError:
        return None, None


def wait(read, done, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = read()
        if done(value):
            return True
        time.sleep(1)
    return False


class Log(list):
    def add(self, what, ok, started, detail=''):
        self.append({'what': what, 'ok': bool(ok), 'at': round(started, 1), 'took': round(time.time() - started, 1),
                     'detail': detail})


def volume_cycle(log, stop):
    """Create a 1 GiB volume on the ceph backend, wait for it, delete it; create and upload a 1 MiB image, delete it."""
    while not stop.is_set():
        started = time.time()
        code, made = api('POST', CINDER + '/volumes', {'volume': {'size': 1, 'name': 'impact-loop', 'volume_type': 'ceph'}})
        if code != 202:
            log.add('volume create', False, started, 'HTTP %s' % code)
            time.sleep(1)
            continue
        vid = made['volume']['id']
        ready = wait(lambda vid=vid: api('GET', CINDER + '/volumes/' + vid)[1],
                     lambda v: v and v['volume']['status'] in ('available', 'error'), 60)
        status = (api('GET', CINDER + '/volumes/' + vid)[1] or {}).get('volume', {}).get('status')
        log.add('volume create', ready and status == 'available', started, status or 'no answer')
        started = time.time()
        api('DELETE', CINDER + '/volumes/' + vid)
        gone = wait(lambda vid=vid: api('GET', CINDER + '/volumes/' + vid)[0], lambda c: c == 404, 60)
        if not gone:
            status = (api('GET', CINDER + '/volumes/' + vid)[1] or {}).get('volume', {}).get('status')
            if status == 'error_deleting':
                api('POST', CINDER + '/volumes/%s/action' % vid, {'os-reset_status': {'status': 'available'}})
                api('DELETE', CINDER + '/volumes/' + vid)
        log.add('volume delete', gone, started)
        started = time.time()
        code, made = api('POST', GLANCE + '/v2/images', {'name': 'impact-loop', 'disk_format': 'raw', 'container_format': 'bare'})
        if code != 201:
            log.add('image upload', False, started, 'HTTP %s' % code)
            continue
        iid = made['id']
        put = api('PUT', GLANCE + '/v2/images/%s/file' % iid, data='\0' * (1 << 20))[0]
        wait(lambda iid=iid: api('GET', GLANCE + '/v2/images/' + iid)[1], lambda i: i and i['status'] in ('active', 'killed'), 30)
        status = (api('GET', GLANCE + '/v2/images/' + iid)[1] or {}).get('status')
        log.add('image upload', put == 204 and status == 'active', started, '%s %s' % (put, status))
        started = time.time()
        code = api('DELETE', GLANCE + '/v2/images/' + iid)[0]
        log.add('image delete', code == 204, started, 'HTTP %s' % code)


def guest_reads(log, stop, domain):
    """One 4 KiB read of the guest's disk a second, through QEMU's block layer, each in the next of its first 16
    objects (4 MiB each, read from an OSD: QEMU's cache=none turns librbd's cache off); a read that does not answer
    within 10 s counts as hung. QEMU's monitor waits for the read, so a hung read also holds up the next ones."""
    offset = 0
    while not stop.is_set():
        started = time.time()
        offset = (offset + 1) % 16
        try:
            done = docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', 'qemu-monitor-command', domain, '--hmp',
                          'qemu-io libvirt-1-storage "read %d 4k"' % (offset * (1 << 20)), timeout=10)
            ok = done.returncode == 0
            detail = done.stderr.strip()
        except subprocess.TimeoutExpired:
            ok, detail = False, 'no answer within 10 s'
        log.add('guest read', ok, started, detail)
        time.sleep(max(0, 1 - (time.time() - started)))


def unexpected_keys():
    """How many logins with a key it no longer has the monitor of cluster ceph refused so far (its log)."""
    done = docker('osc-lab-ceph', 'grep', '-c', 'unexpected key', '/var/lib/osc-lab-ceph/log/ceph-mon.a.log')
    return int(done.stdout.strip() or 0)


def summary(log, start, end):
    out = {}
    for what in sorted(set(e['what'] for e in log)):
        these = [e for e in log if e['what'] == what and start <= e['at'] < end]
        failed = [e for e in these if not e['ok']]
        out[what] = {'requests': len(these), 'failed': len(failed),
                     'failing_from_s': round(failed[0]['at'] - start, 1) if failed else None,
                     'failing_for_s': round(failed[-1]['at'] + failed[-1]['took'] - failed[0]['at'], 1) if failed else 0,
                     'details': sorted(set(e['detail'] for e in failed))[:5]}
    return out


class Measured(dict):
    """What the impact fixture gives; its keys never reach a failure's report."""

    def __repr__(self):
        return '<rotation measured: %s>' % json.dumps(self.get('result'))


def playbook(path, *args):
    env = dict(os.environ, ANSIBLE_NOCOLOR='1')
    for name in ('ANSIBLE_FORCE_COLOR', 'PY_COLORS'):
        env.pop(name, None)
    return subprocess.run(['ansible-playbook', '-i', INVENTORY, path] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=900, check=False, cwd=ROOT, env=env)


@pytest.fixture(scope='module')
def impact(tmp_path_factory):
    pairs = (('ceph', 'cinder'), ('ceph', 'glance'))
    old = dict((p, ceph('--cluster', p[0], 'auth', 'get-key', 'client.%s' % p[1]).strip()) for p in pairs)
    secret = [line.split()[0] for line in docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', 'secret-list').stdout.splitlines()
              if line.split()[1:] == ['ceph', 'client.cinder', 'secret']][0]
    if 'ceph' not in [t['name'] for t in api('GET', CINDER + '/types')[1]['volume_types']]:
        api('POST', CINDER + '/types', {'volume_type': {'name': 'ceph', 'extra_specs': {'volume_backend_name': 'ceph'}}})
    code, made = api('POST', CINDER + '/volumes', {'volume': {'size': 1, 'name': 'impact-disk', 'volume_type': 'ceph'}})
    assert code == 202, made
    disk = made['volume']['id']
    assert wait(lambda: api('GET', CINDER + '/volumes/' + disk)[1], lambda v: v and v['volume']['status'] == 'available', 60)
    # Data in the volume's first objects: librbd answers reads of objects that do not exist without asking an OSD.
    written = docker('osc-lab-ceph', 'rbd', 'bench', '--io-type', 'write', '--io-size', '1M', '--io-total', '16M',
                     '--io-pattern', 'seq', 'volumes/volume-%s' % disk, timeout=120)
    assert written.returncode == 0, written.stderr
    result = {'ttl': TTL}
    log, stop = Log(), threading.Event()
    try:
        for option, value in TTL.items():
            ceph('config', 'set', 'mon', option, str(value))
        started = docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', 'create', '/dev/stdin', input=GUEST % (disk, secret))
        assert started.returncode == 0, started.stderr
        threads = [threading.Thread(target=volume_cycle, args=(log, stop)),
                   threading.Thread(target=guest_reads, args=(log, stop, 'impact-guest'))]
        for t in threads:
            t.start()
        t0 = time.time()
        time.sleep(BEFORE)
        rotation_start = time.time()
        rotated = playbook('playbooks/rotate.yml', '-e', '{"openstack_ceph_rotate_users": ["cinder", "glance"]}',
                           '-e', 'openstack_ceph_rotate_clusters=ceph', '-e', 'openstack_ceph_rotate_force=true',
                           '-e', 'openstack_ceph_rotate_before=%s' % time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
        rotation_end = time.time()
        refused_at_end_of_rotation = unexpected_keys()
        time.sleep(AFTER)
        renewal_end = time.time()
        refused_renewals = unexpected_keys() - refused_at_end_of_rotation
        # An OSD reconnection, as an OSD restart or a placement change causes: the guest must open a new session.
        ceph('osd', 'down', '0')
        time.sleep(30)
        reconnect_end = time.time()
        # The guest onto the new key: a stop and start (a new QEMU reads the libvirt secret again).
        docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', 'destroy', 'impact-guest')
        restarted = docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', 'create', '/dev/stdin', input=GUEST % (disk, secret))
        time.sleep(15)
        stop.set()
        for t in threads:
            t.join(120)
        end = time.time()
        result.update(rotation_s=round(rotation_end - rotation_start, 1), rotate_rc=rotated.returncode,
                      before_rotation=summary(log, t0, rotation_start),
                      during_rotation=summary(log, rotation_start, rotation_end),
                      after_rotation_ticket_renewals=summary(log, rotation_end, renewal_end),
                      after_osd_reconnection=summary(log, renewal_end, reconnect_end),
                      after_guest_restart=summary(log, reconnect_end + 5, end), guest_restarted=restarted.returncode == 0,
                      refused_renewals_after_rotation=refused_renewals,
                      guest_reads_after_osd_reconnection=[(round(e['at'] - renewal_end, 1), e['ok'], e['took'])
                                                          for e in log if e['what'] == 'guest read'
                                                          and renewal_end <= e['at'] < reconnect_end])
        new = dict((p, ceph('--cluster', p[0], 'auth', 'get-key', 'client.%s' % p[1]).strip()) for p in pairs)
        with open(os.path.join(ROOT, '.build', 'rotation-impact.json'), 'w') as f:
            json.dump(result, f, indent=1)
        yield Measured(result=result, output=rotated.stdout, old=old, new=new, log=log)
    finally:
        stop.set()
        docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', 'destroy', 'impact-guest')
        for option in TTL:
            ceph('config', 'rm', 'mon', option)
        api('DELETE', CINDER + '/volumes/' + disk)
        restore(tmp_path_factory, old)


def restore(tmp_path_factory, old):
    """The old keys back in Ceph (from a 0600 file, through ceph_key's secret), then written everywhere by site.yml."""
    work = tmp_path_factory.mktemp('impact-restore')
    keys = work / 'keys.json'
    keys.touch(mode=0o600)
    keys.write_text(json.dumps({'restore': [{'name': 'client.' + u, 'secret': k} for (c, u), k in old.items()]}))
    play = work / 'restore.yml'
    play.write_text(json.dumps([{'hosts': 'osc-lab-ceph', 'gather_facts': False, 'vars_files': [str(keys)], 'tasks': [
        {'name': 'Put the old keys back', 'openstack_ceph.rbd.ceph_key': {'users': '{{ restore }}'}, 'no_log': True}]}]))
    put = playbook(str(play))
    assert put.returncode == 0, put.stdout[-2000:]
    site = playbook('playbooks/site.yml')
    assert site.returncode == 0, site.stdout[-3000:]


def test_rotation_under_load_is_measured_and_reported(impact):
    result = impact['result']
    print(json.dumps(result, indent=1))
    assert impact['result']['rotate_rc'] == 0, impact['output'][-3000:]
    assert all(impact['new'][p] != impact['old'][p] for p in impact['old'])
    # Enough load to measure: requests before, during and after the rotation.
    assert result['before_rotation']['guest read']['requests'] >= BEFORE - 3
    assert result['after_rotation_ticket_renewals']['volume create']['requests'] >= 2
    assert not [k for k in list(impact['old'].values()) + list(impact['new'].values()) if k in impact['output']]
    assert not find_keys(impact['output'])


def test_a_busy_guest_keeps_its_io_through_the_rotation_and_its_failed_ticket_renewals(impact):
    result = impact['result']
    assert result['before_rotation']['guest read']['failed'] == 0, result['before_rotation']
    assert result['during_rotation']['guest read']['failed'] == 0, result['during_rotation']
    assert result['after_rotation_ticket_renewals']['guest read']['failed'] == 0, result['after_rotation_ticket_renewals']
    # The monitors did refuse the guest's renewals with its old key meanwhile.
    assert result['refused_renewals_after_rotation'] > 0, result


def test_a_restarted_guest_reads_with_the_new_key(impact):
    result = impact['result']
    assert result['guest_restarted']
    assert result['after_guest_restart']['guest read']['failed'] == 0, result['after_guest_restart']
