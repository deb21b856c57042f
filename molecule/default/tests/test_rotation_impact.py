# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What rotating client.cinder and client.glance does to running clients, measured on the lab's cluster dr.

dr's monitors started with short ticket lifetimes (lab_ceph_mon_options in inventories/lab: auth tickets of
40 s and service tickets of 20 s, instead of 72 h and 1 h), so that a client's ticket renewals, and their
refusal once its key is gone, happen within the test. The lifetimes are read from the running monitor.

A server booted by Nova (its root disk a clone in cluster ceph) has a 1 GiB volume of Cinder's dr backend
attached through Nova: its QEMU opens the volume as dr's client.cinder, with the key it read from the
collection's libvirt secret when it started. The guest has no operating system, so the test drives the
guest's disk through QEMU's monitor: every second an asynchronous 4 KiB write to the volume, with FUA, which
reaches dr's OSD. Meanwhile a loop creates and deletes a small volume on the dr backend and uploads and
deletes a small image in Glance's dr store.

1. before: BEFORE s of load;
2. rotation: rotate.yml for cinder and glance on dr, with openstack_ceph_rotate_force;
3. after: every PROBE s the OSD is marked down. It comes back on new addresses, so every client opens new
   connections to it, with a service ticket it must have from the monitors. The phase ends at the first
   probe after which the guest's I/O does not come back within RECOVERY s, or after HOLD s;
4. a hard reboot through Nova: a new QEMU reads the secret, which now holds the new key; once its first
   write is done, AFTER s of load.

The figures go to .build/rotation-impact.json. The lab keeps the new keys: rotate.yml wrote them to every
keyring and secret and restarted the services, as it does on a cloud, and the tests after this one run on
them (test_rotate leaves its rotated keys in place too)."""

import json
import os
import subprocess
import threading
import time
from xml.etree import ElementTree

import pytest
import testinfra.utils.ansible_runner
import yaml
from cephx_keys import find_keys
from lab_run import CINDER, GLANCE, NOVA, NOVA_VERSION, ROOT, api, boot, boot_image, call, delete_server, docker, playbook, \
    server_of, wait_for

hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
# The cluster whose monitors the lab starts with short ticket lifetimes (inventories/lab): dr.
with open(os.path.join(ROOT, 'inventories', 'lab', 'group_vars', 'all.yml')) as f:
    CLUSTER = [c for c, o in sorted(yaml.safe_load(f)['lab_ceph_mon_options'].items()) if 'auth_service_ticket_ttl' in o][0]
USERS = ('cinder', 'glance')
BEFORE, PROBE, RECOVERY, HOLD, AFTER = 10, 30, 25, 360, 10
IO = 'guest write'
# What dr's monitor logs when a client logs in with a key the user no longer has, and what its OSD logs when a
# client presents a ticket made with a service secret it no longer keeps.
MON_REFUSED = 'unexpected key'
OSD_REFUSED = 'could not get service secret for service osd'


def ceph(*argv):
    done = docker('osc-lab-ceph', 'ceph', '--cluster', CLUSTER, *argv, timeout=60, universal_newlines=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def virsh(*argv, **kwargs):
    return docker('osc-lab-compute', 'virsh', '-c', 'qemu:///system', *argv, universal_newlines=True, **kwargs)


class Log(list):
    def add(self, what, ok, started, detail=''):
        self.append({'what': what, 'ok': bool(ok), 'at': round(started, 1), 'took': round(time.time() - started, 1),
                     'detail': detail})


def load(log, stop):
    """Create a 1 GiB volume on the dr backend, wait for it, delete it; upload a 1 MiB image to the dr store,
    delete it."""
    def until(url, done, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            answer = call('GET', url)
            if done(answer):
                return answer
            time.sleep(1)
        return call('GET', url)

    while not stop.is_set():
        started = time.time()
        code, made = call('POST', CINDER + '/volumes', body={'volume': {'size': 1, 'name': 'impact-loop', 'volume_type': CLUSTER}})
        if code != 202:
            log.add('volume create', False, started, 'HTTP %s' % code)
            time.sleep(1)
            continue
        url = CINDER + '/volumes/' + made['volume']['id']
        status = ((until(url, lambda a: (a[1] or {}).get('volume', {}).get('status') in ('available', 'error'), 60)[1] or {})
                  .get('volume', {}).get('status'))
        log.add('volume create', status == 'available', started, status or 'no answer')
        started = time.time()
        call('DELETE', url)
        gone = until(url, lambda a: a[0] == 404, 60)[0] == 404
        if not gone and ((call('GET', url)[1] or {}).get('volume', {}).get('status') == 'error_deleting'):
            call('POST', url + '/action', body={'os-reset_status': {'status': 'available'}})
            call('DELETE', url)
        log.add('volume delete', gone, started)
        # Stopped: the image half would only delay the end of the measurement.
        if stop.is_set():
            break
        started = time.time()
        code, made = call('POST', GLANCE + '/v2/images', body={'name': 'impact-loop', 'disk_format': 'raw',
                                                               'container_format': 'bare'})
        if code != 201:
            log.add('image upload', False, started, 'HTTP %s' % code)
            continue
        url = GLANCE + '/v2/images/' + made['id']
        put = call('PUT', url + '/file', data=b'\0' * (1 << 20), headers={'X-Image-Meta-Store': CLUSTER})[0]
        status = (until(url, lambda a: (a[1] or {}).get('status') in ('active', 'killed'), 30)[1] or {}).get('status')
        log.add('image upload', put == 204 and status == 'active', started, '%s %s' % (put, status))
        started = time.time()
        code = call('DELETE', url)[0]
        log.add('image delete', code == 204, started, 'HTTP %s' % code)


def written(domain):
    """The offsets of the guest's writes that QEMU completed, from the domain's log (where qemu-io answers)."""
    done = docker('osc-lab-compute', 'grep', '-o', '-E', '^wrote 4096/4096 bytes at offset [0-9]+',
                  '/var/log/libvirt/qemu/%s.log' % domain, universal_newlines=True)
    return set(int(line.split()[-1]) for line in done.stdout.splitlines())


def guest_io(log, stop, guest):
    """Every second a 4 KiB write with FUA to the attached volume, at an offset of its own: QEMU flushes it
    through to the OSD, whatever librbd's cache does. The write is asynchronous (qemu-io's aio_write), as a
    guest's are: QEMU answers the monitor at once, and a write the OSD never takes does not hold up the
    monitor, nor libvirt's job lock that Nova needs to destroy the domain. A write counts as done when QEMU
    logs it, and as failed when it is not done within 10 s."""
    pending, n = {}, 0
    while not stop.is_set():
        started = time.time()
        n += 1
        # The next of the volume's 4 MiB objects, one 4 KiB block further on each round of 256.
        offset = ((n % 256) << 22) + ((n // 256) << 12)
        try:
            done = virsh('qemu-monitor-command', guest['domain'], '--hmp',
                         'qemu-io -d /machine/peripheral/%s/virtio-backend "aio_write -f -P 0x5a %d 4k"' % (guest['device'], offset),
                         timeout=10)
            issued, detail = done.returncode == 0 and not done.stdout.strip(), (done.stderr + done.stdout).strip()
        except subprocess.TimeoutExpired:
            issued, detail = False, 'the monitor did not answer within 10 s'
        if issued:
            pending[offset] = started
        else:
            log.add(IO, False, started, detail[:200])
        completed = written(guest['domain'])
        for each, since in sorted(pending.items(), key=lambda item: item[1]):
            if each in completed:
                log.add(IO, True, since)
                del pending[each]
            elif time.time() - since > 10:
                log.add(IO, False, since, 'not written within 10 s')
                del pending[each]
        time.sleep(max(0, 1 - (time.time() - started)))


def attached_device(domain, volume_id):
    """The guest's device alias of the volume's rbd disk, read from libvirt, and the disk's auth user and secret."""
    xml = ElementTree.fromstring(virsh('dumpxml', domain, timeout=30).stdout)
    for disk in xml.findall('devices/disk'):
        source = disk.find('source')
        if source is not None and source.get('name') == 'volumes/volume-' + volume_id:
            return disk.find('alias').get('name'), disk.find('auth').get('username'), disk.find('auth/secret').get('uuid')
    raise AssertionError('volume %s is not a disk of %s' % (volume_id, domain))


def qemu_io_errors(domain):
    """How many of the guest's writes failed with an error, as QEMU logged them."""
    done = docker('osc-lab-compute', 'grep', '-c', '^aio_write failed', '/var/log/libvirt/qemu/%s.log' % domain,
                  universal_newlines=True)
    return int(done.stdout.strip() or 0)


def osd_up():
    return json.loads(ceph('osd', 'dump', '-f', 'json'))['osds'][0]['up'] == 1


def first_write_after(log, since, timeout):
    """How many seconds after `since` the first guest write started after it was done, if one was within
    timeout seconds of it; else None."""
    deadline = since + timeout
    while time.time() < deadline:
        done = [e['at'] + e['took'] for e in list(log) if e['what'] == IO and e['ok'] and e['at'] >= since]
        if done:
            return round(min(done) - since, 1)
        time.sleep(1)
    return None


def guest_answers_after(log, since, timeout):
    """Whether a guest write started after `since` was done within timeout seconds of it."""
    return first_write_after(log, since, timeout) is not None


def log_count(log_file, text):
    """How many lines of a daemon's log on dr hold the text so far."""
    done = docker('osc-lab-ceph', 'grep', '-c', '-F', text, log_file, universal_newlines=True)
    return int(done.stdout.strip() or 0)


def daemon_log(daemon):
    # The lab's daemons all run as cluster "ceph", whatever name their clients give the cluster.
    return ceph('config', 'show', daemon, 'log_file').strip().replace('$cluster', 'ceph').replace('$name', daemon)


def probe(log, zero):
    """The OSD marked down: it comes back on new addresses, so every client connects to it anew, with a service
    ticket from the monitors. Whether a guest write started after its return was done within RECOVERY s."""
    marked = time.time()
    ceph('osd', 'down', '0')
    wait_for(osd_up, bool, timeout=90, what='osd.0 up again', interval=1)
    back = time.time()
    answered = guest_answers_after(log, back, RECOVERY)
    # The guest's operations that may fail because of the probe: from 10 s before the OSD went down (those
    # running then) until the end of the wait.
    return {'at_s': round(marked - zero, 1), 'osd_back_after_s': round(back - marked, 1), 'guest_io_back': answered,
            'window': (marked - 10, back + RECOVERY)}


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


def keys():
    return dict((u, ceph('auth', 'get-key', 'client.' + u).strip()) for u in USERS)


@pytest.fixture(scope='module')
def impact():
    ttl = dict((o, float(ceph('config', 'show', 'mon.a', o).strip())) for o in ('auth_mon_ticket_ttl', 'auth_service_ticket_ttl'))
    assert max(ttl.values()) <= 60, 'dr must start with short ticket lifetimes (lab_ceph_mon_options): %s' % ttl
    mon_log, osd_log = daemon_log('mon.a'), daemon_log('osd.0')
    # An OSD marked down more than osd_max_markdown_count times (5) in 10 minutes shuts itself down, and the
    # lab's memstore OSD would lose its data: a run of this test marks it down up to HOLD / PROBE + 2 times.
    ceph('config', 'set', 'osd.0', 'osd_max_markdown_count', '1000')
    old = keys()
    if CLUSTER not in [t['name'] for t in api('GET', CINDER + '/types')['volume_types']]:
        api('POST', CINDER + '/types', {'volume_type': {'name': CLUSTER, 'extra_specs': {'volume_backend_name': CLUSTER}}})
    image = boot_image('impact-boot')
    server = volume = rotated = None
    result = {'cluster': CLUSTER, 'ttl_s': ttl}
    log, stop, threads = Log(), threading.Event(), []
    try:
        server = boot(image, 'impact-server')
        assert server['status'] == 'ACTIVE', server.get('fault', server)
        domain = server['OS-EXT-SRV-ATTR:instance_name']
        made = api('POST', CINDER + '/volumes', {'volume': {'size': 1, 'name': 'impact-disk', 'volume_type': CLUSTER}})
        volume = wait_for(lambda: api('GET', CINDER + '/volumes/' + made['volume']['id'])['volume'],
                          lambda v: v['status'] != 'creating', what='the volume')
        assert volume['status'] == 'available', volume
        api('POST', NOVA + '/servers/%s/os-volume_attachments' % server['id'], {'volumeAttachment': {'volumeId': volume['id']}},
            headers=NOVA_VERSION)
        attached = wait_for(lambda: api('GET', CINDER + '/volumes/' + volume['id'])['volume'],
                            lambda v: v['status'] not in ('available', 'reserved', 'attaching'), what='the attachment')
        assert attached['status'] == 'in-use', attached
        device, user, secret = attached_device(domain, volume['id'])
        result['guest_disk'] = {'user': user, 'secret': secret}
        guest = {'domain': domain, 'device': device}
        threads = [threading.Thread(target=load, args=(log, stop)), threading.Thread(target=guest_io, args=(log, stop, guest))]
        for t in threads:
            t.start()
        t0 = time.time()
        time.sleep(BEFORE)
        # The control: with its key still valid, the guest's I/O comes back after the OSD's return.
        probes = [probe(log, t0)]
        rotation_start = time.time()
        rotated = playbook('playbooks/rotate.yml', '-e', json.dumps({'openstack_ceph_rotate_users': list(USERS)}),
                           '-e', 'openstack_ceph_rotate_clusters=' + CLUSTER, '-e', 'openstack_ceph_rotate_force=true',
                           '-e', 'openstack_ceph_rotate_before=%s' % time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
        rotation_end = time.time()
        refused_before, tickets_before = log_count(mon_log, MON_REFUSED), log_count(osd_log, OSD_REFUSED)
        while time.time() < rotation_end + HOLD and probes[-1]['guest_io_back']:
            time.sleep(max(0, rotation_end + PROBE * (len(probes) - 1) - time.time()))
            probes.append(probe(log, rotation_end))
        lost = time.time()
        refused, tickets = log_count(mon_log, MON_REFUSED) - refused_before, log_count(osd_log, OSD_REFUSED) - tickets_before
        between = [e for e in log if e['what'] == IO and not e['ok'] and e['at'] < lost
                   and not [p for p in probes if p['window'][0] <= e['at'] <= p['window'][1]]]
        for each in probes:
            each.pop('window')
        # A hard reboot: Nova makes the domain anew, and the new QEMU reads the secret's new value.
        api('POST', NOVA + '/servers/%s/action' % server['id'], {'reboot': {'type': 'HARD'}}, headers=NOVA_VERSION)
        rebooted = wait_for(lambda: server_of(server['id']), lambda s: not s['OS-EXT-STS:task_state'], timeout=180,
                            what='the hard reboot')
        reboot_end = time.time()
        guest['device'] = attached_device(domain, volume['id'])[0]
        # The new QEMU's first writes may wait (1 to 28 s in the lab) before they are done; then AFTER s of I/O.
        first_write = first_write_after(log, reboot_end, 90)
        settled = time.time()
        time.sleep(AFTER)
        stop.set()
        for t in threads:
            t.join(120)
        end = time.time()
        result.update(rotation_s=round(rotation_end - rotation_start, 1), rotate_rc=rotated.returncode,
                      before_rotation=summary(log, t0, rotation_start),
                      during_rotation=summary(log, rotation_start, rotation_end),
                      after_rotation=summary(log, rotation_end, lost), probes=probes,
                      guest_io_failed_outside_probes=len(between),
                      refused_renewals_after_rotation=refused, osd_refused_old_tickets_after_rotation=tickets,
                      hard_reboot={'status': rebooted['status'], 'took_s': round(reboot_end - lost, 1),
                                   'first_write_done_after_s': first_write},
                      guest_io_errors_logged_by_qemu=qemu_io_errors(domain),
                      after_hard_reboot=summary(log, settled, end))
        with open(os.path.join(ROOT, '.build', 'rotation-impact.json'), 'w') as f:
            json.dump(result, f, indent=1)
        yield Measured(result=result, output=rotated.stdout, old=old, new=keys(), log=log)
    finally:
        stop.set()
        for t in threads:
            t.join(120)
        if server:
            delete_server(server)
        if volume:
            url = CINDER + '/volumes/' + volume['id']
            # Nova detaches it while it deletes the server; Cinder then says so.
            wait_for(lambda: (call('GET', url)[1] or {}).get('volume', {}).get('status'),
                     lambda status: status not in ('in-use', 'detaching'), timeout=120, what='the volume detached')
            call('DELETE', url)
        call('DELETE', GLANCE + '/v2/images/' + image['id'])
        if rotated is None or rotated.returncode != 0:
            # A rotation that did not complete: site.yml writes the keys Ceph now has everywhere, so that the
            # tests after this one do not fail for this one's sake.
            playbook('playbooks/site.yml')


def test_rotation_under_load_is_measured_and_reported(impact):
    result = impact['result']
    print(json.dumps(result, indent=1))
    assert result['rotate_rc'] == 0, impact['output'][-3000:]
    assert all(impact['new'][u] != impact['old'][u] for u in USERS)
    # The guest's volume is opened as dr's client.cinder, one of the rotated users.
    assert result['guest_disk']['user'] == 'cinder', result['guest_disk']
    # Enough load to measure: requests before, during and after the rotation.
    assert result['before_rotation'][IO]['requests'] >= BEFORE, result['before_rotation']
    assert result['during_rotation'][IO]['requests'] >= 10, result['during_rotation']
    assert result['during_rotation']['volume create']['requests'] >= 1, result['during_rotation']
    assert result['after_rotation']['volume create']['requests'] >= 1, result['after_rotation']
    assert not [k for k in list(impact['old'].values()) + list(impact['new'].values()) if k in impact['output']]
    assert not find_keys(impact['output'])


def test_the_services_serve_on_the_new_keys_once_restarted(impact):
    result = impact['result']
    for what in ('volume create', 'volume delete', 'image upload', 'image delete'):
        assert result['after_rotation'][what]['failed'] == 0, result['after_rotation']


def test_a_busy_guest_keeps_its_io_until_it_must_reconnect_and_then_cannot(impact):
    result = impact['result']
    probes = result['probes']
    # The control: with its key valid, the guest comes back after an OSD reconnection.
    assert probes[0]['guest_io_back'], probes
    # Through the rotation and the refused renewals, its I/O on its open connection went on: no write
    # failed outside the probes, and none failed with an error.
    assert result['refused_renewals_after_rotation'] > 0, result
    assert result['guest_io_failed_outside_probes'] == 0, result
    assert result['guest_io_errors_logged_by_qemu'] == 0, result
    # Once its tickets have lapsed it cannot connect to the OSD again: the OSD refuses the ticket it still
    # has, and its I/O hangs.
    assert len(probes) > 1 and not probes[-1]['guest_io_back'], probes
    assert result['osd_refused_old_tickets_after_rotation'] > 0, result


def test_a_hard_rebooted_guest_does_io_with_the_new_key(impact):
    result = impact['result']
    assert result['hard_reboot']['status'] == 'ACTIVE', result['hard_reboot']
    assert result['hard_reboot']['first_write_done_after_s'] is not None, result['hard_reboot']
    after = result['after_hard_reboot'][IO]
    # The writes of the last second may still be on their way when the load stops.
    assert after['requests'] >= AFTER - 2 and after['failed'] == 0, result['after_hard_reboot']
