# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glance, Cinder, cinder-backup and Nova use Ceph: proven through the services' own APIs and
tools, and checked with independent reads (rbd, ceph) on the Ceph host."""

import json
import os
import uuid
from xml.etree import ElementTree

import pytest
import testinfra
import testinfra.utils.ansible_runner
import yaml
from cephx_keys import is_cephx_key
from lab_run import CINDER, FLAVOR, GLANCE, NOVA, NOVA_VERSION, ROOT, api, boot, delete_server, server_of, wait_for
from lab_run import boot_image as upload_boot_image
from lab_run import playbook as lab_playbook

hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
ANSIBLE_UUID_NAMESPACE = uuid.UUID('361E6D51-FAEC-444A-9079-341386DA8E2E')


def host(name):
    return hosts.get_host(name)


def ini(node, path):
    """The file's active options, {section: {option: value}}, read on the node itself."""
    # [DEFAULT] read as a section of its own, not inherited by the others.
    script = ('import configparser, json, sys; c = configparser.RawConfigParser(strict=False, default_section="(none)"); '
              'c.read(sys.argv[1]); print(json.dumps(dict((s, dict(c.items(s))) for s in c.sections())))')
    return json.loads(node.check_output("python3 -c '%s' %s" % (script, path)))


def rbd_json(command, cluster='ceph'):
    return json.loads(host('osc-lab-ceph').check_output('rbd --cluster %s %s --format json' % (cluster, command)))


def fsid(cluster='ceph'):
    return host('osc-lab-ceph').check_output('ceph --cluster %s fsid' % cluster).strip()


def test_glance_api_conf_has_a_store_on_each_cluster_and_keeps_the_rest():
    controller = host('osc-lab-controller')
    conf = ini(controller, '/etc/glance/glance-api.conf')
    # Two RBD stores: Glance's multi-store form, the first store the default.
    assert conf['DEFAULT']['enabled_backends'] == 'ceph:rbd,dr:rbd'
    assert conf['glance_store']['default_backend'] == 'ceph'
    for store in ('ceph', 'dr'):
        assert dict((k, v) for k, v in conf[store].items() if k.startswith('rbd_')) == {
            'rbd_store_pool': 'images', 'rbd_store_user': 'glance', 'rbd_store_ceph_conf': '/etc/ceph/%s.conf' % store,
            'rbd_store_chunk_size': '8'}, store
    assert conf['DEFAULT']['show_image_direct_url'] == 'True'
    # Merged, not overwritten: the lab's own settings and the packaged comments are still there.
    assert conf['database']['connection'].startswith('sqlite:')
    assert int(controller.check_output("grep -c '^#' /etc/glance/glance-api.conf")) > 100


def test_cinder_conf_adds_the_rbd_backend_and_keeps_the_operators():
    controller = host('osc-lab-controller')
    conf = ini(controller, '/etc/cinder/cinder.conf')
    # The packaged LVM backend stays enabled: the role appends, it does not replace.
    assert conf['DEFAULT']['enabled_backends'] == 'lvm,ceph,dr'
    assert 'volume_group' in conf['lvm']
    ceph = conf['ceph']
    expected_uuid = str(uuid.uuid5(ANSIBLE_UUID_NAMESPACE, fsid() + ':client.cinder'))
    assert ceph == {
        'volume_driver': 'cinder.volume.drivers.rbd.RBDDriver', 'volume_backend_name': 'ceph',
        'rbd_pool': 'volumes', 'rbd_ceph_conf': '/etc/ceph/ceph.conf', 'rbd_cluster_name': 'ceph',
        'rbd_user': 'cinder', 'rbd_secret_uuid': expected_uuid, 'rbd_flatten_volume_from_snapshot': 'False',
        'rbd_max_clone_depth': '5', 'rbd_store_chunk_size': '4', 'rados_connect_timeout': '30',
        'rados_connection_interval': '5', 'rados_connection_retries': '3', 'replication_connect_timeout': '5',
        'report_discard_supported': 'True'}, ceph
    backup = dict((k, v) for k, v in conf['DEFAULT'].items() if k.startswith(('backup_', 'restore_')))
    assert backup == {
        'backup_driver': 'cinder.backup.drivers.ceph.CephBackupDriver', 'backup_ceph_conf': '/etc/ceph/dr.conf',
        'backup_ceph_user': 'cinder-backup', 'backup_ceph_pool': 'backups', 'backup_ceph_chunk_size': '134217728',
        'backup_ceph_stripe_unit': '0', 'backup_ceph_stripe_count': '0', 'restore_discard_excess_bytes': 'True'}, backup
    assert conf['database']['connection'].startswith('sqlite:')


# Every namespace Nova's own sample configuration is generated from, as installed on the node.
NOVA_NAMESPACES = ('nova.conf', 'oslo.log', 'oslo.messaging', 'oslo.policy', 'oslo.privsep', 'oslo.service.service',
                   'oslo.service.periodic_task', 'oslo.db', 'oslo.concurrency', 'oslo.middleware', 'oslo.reports',
                   'oslo.versionedobjects', 'oslo.cache', 'oslo.limit', 'keystonemiddleware.auth_token', 'os_vif',
                   'os_brick', 'castellan.config')
# Loads nova.conf the way nova-compute does, so a value outside an option's type or choices fails.
NOVA_LOAD = ("import sys, nova.conf; c = nova.conf.CONF; c(['--config-file', sys.argv[1]], project='nova', "
             "default_config_files=[]); l = c.libvirt; "
             "print(l.images_type, l.images_rbd_pool, l.rbd_user, l.rbd_secret_uuid, l.hw_disk_discard, "
             "','.join(l.disk_cachemodes))")


def nova_validate(compute, path):
    names = compute.run('oslo-config-validator --input-file %s %s'
                        % (path, ' '.join('--namespace ' + n for n in NOVA_NAMESPACES)))
    values = compute.run('python3 -c "%s" %s' % (NOVA_LOAD, path))
    return names, values


def test_nova_conf_passes_novas_own_validation():
    compute = host('osc-lab-compute')
    names, values = nova_validate(compute, '/etc/nova/nova.conf')
    assert names.rc == 0, names.stderr[-2000:]
    assert values.rc == 0, values.stderr[-2000:]
    secret = str(uuid.uuid5(ANSIBLE_UUID_NAMESPACE, fsid() + ':client.cinder'))
    assert values.stdout.split() == ['rbd', 'vms', 'cinder', secret, 'unmap', 'network=writeback']
    # The checks can fail: a misspelt option and a value Nova does not accept are both refused.
    compute.check_output("sed 's/^images_type = rbd$/images_type = rbd\\nimages_typo = rbd/' /etc/nova/nova.conf > /tmp/typo.conf")
    compute.check_output("sed 's/^images_type = rbd$/images_type = rdb/' /etc/nova/nova.conf > /tmp/badvalue.conf")
    assert nova_validate(compute, '/tmp/typo.conf')[0].rc != 0
    assert nova_validate(compute, '/tmp/badvalue.conf')[1].rc != 0


def upload_image(name, store=None):
    """A raw image uploaded through the real Glance v2 API, to the given store (Glance's multi-store
    header) or the default one."""
    made = api('POST', GLANCE + '/v2/images', {'name': name, 'disk_format': 'raw', 'container_format': 'bare'})
    api('PUT', GLANCE + '/v2/images/%s/file' % made['id'], data=os.urandom(16 << 20),
        headers={'X-Image-Meta-Store': store} if store else None)
    return wait_for(lambda: api('GET', GLANCE + '/v2/images/' + made['id']), lambda i: i['status'] != 'saving',
                    what='the image upload')


@pytest.fixture(scope='module')
def image():
    made = upload_image('verify-image')
    yield made
    api('DELETE', GLANCE + '/v2/images/' + made['id'])


@pytest.fixture(scope='module')
def dr_image():
    made = upload_image('verify-image-dr', store='dr')
    yield made
    api('DELETE', GLANCE + '/v2/images/' + made['id'])


def volume_type(backend):
    """The volume type of a Cinder backend, named after it (volume types are the operator's to make)."""
    types = api('GET', CINDER + '/types')['volume_types']
    for t in types:
        if t['name'] == backend:
            return t['name']
    return api('POST', CINDER + '/types', {'volume_type': {'name': backend, 'extra_specs': {'volume_backend_name': backend}}})['volume_type']['name']


def create_volume(image, backend, name):
    made = api('POST', CINDER + '/volumes', {'volume': {'size': 1, 'imageRef': image['id'], 'name': name,
                                                        'volume_type': volume_type(backend)}})['volume']
    return wait_for(lambda: api('GET', CINDER + '/volumes/' + made['id'])['volume'],
                    lambda v: v['status'] not in ('creating', 'downloading'), what='the volume')


def delete_volume(volume):
    api('DELETE', CINDER + '/volumes/' + volume['id'])
    wait_for(lambda: api('GET', CINDER + '/volumes/detail')['volumes'],
             lambda vs: volume['id'] not in [v['id'] for v in vs], what='the volume deletion')


@pytest.fixture(scope='module')
def volume(image):
    """A volume created through the real Cinder API from the image, with the ceph backend's type."""
    made = create_volume(image, 'ceph', 'verify-volume')
    yield made
    delete_volume(made)


def test_glance_image_lands_in_ceph_with_a_protected_snapshot(image):
    assert image['status'] == 'active', image
    assert image['direct_url'] == 'rbd://%s/images/%s/snap' % (fsid(), image['id'])
    info = rbd_json('info images/%s' % image['id'])
    assert info['size'] == 16 * 1024 * 1024 and info['order'] == 23  # rbd_store_chunk_size = 8 MiB objects
    snaps = dict((s['name'], s) for s in rbd_json('snap ls images/%s' % image['id']))
    assert snaps['snap']['protected'] == 'true', snaps
    # The default store only: nothing of it on dr.
    assert image['id'] not in [i['image'] for i in rbd_json('ls -l images', 'dr')]


def test_an_image_uploaded_to_the_dr_store_lands_in_dr(dr_image):
    assert dr_image['status'] == 'active', dr_image
    assert dr_image['direct_url'] == 'rbd://%s/images/%s/snap' % (fsid('dr'), dr_image['id'])
    snaps = dict((s['name'], s) for s in rbd_json('snap ls images/%s' % dr_image['id'], 'dr'))
    assert snaps['snap']['protected'] == 'true', snaps
    assert dr_image['id'] not in [i['image'] for i in rbd_json('ls -l images')]


def test_cinder_volume_from_the_image_is_a_copy_on_write_clone(image, volume):
    assert volume['status'] == 'available', volume
    parent = rbd_json('info volumes/volume-%s' % volume['id'])['parent']
    assert (parent['pool'], parent['image'], parent['snapshot']) == ('images', image['id'], 'snap'), parent


def test_a_volume_of_the_dr_type_is_a_clone_in_dr(dr_image):
    """The dr backend's volume type puts the volume on dr; from an image in dr's store it is a
    copy-on-write clone there, through dr's client.cinder."""
    made = create_volume(dr_image, 'dr', 'verify-volume-dr')
    try:
        assert made['status'] == 'available', made
        parent = rbd_json('info volumes/volume-%s' % made['id'], 'dr')['parent']
        assert (parent['pool'], parent['image'], parent['snapshot']) == ('images', dr_image['id'], 'snap'), parent
        assert 'volume-%s' % made['id'] not in [i['image'] for i in rbd_json('ls -l volumes')]
    finally:
        delete_volume(made)


def test_cinder_backup_lands_in_drs_backups_pool(volume):
    def create():
        made = api('POST', CINDER + '/backups', {'backup': {'volume_id': volume['id'], 'name': 'verify-backup'}})['backup']
        backup = wait_for(lambda: api('GET', CINDER + '/backups/' + made['id'])['backup'],
                          lambda b: b['status'] != 'creating', what='the backup')
        if backup['status'] == 'error':
            api('DELETE', CINDER + '/backups/' + made['id'])
        return backup

    # cinder-backup announces itself to the scheduler once a minute: right after the converge
    # restarted it, the scheduler may not know it yet ("Service not found"). Ask again, as an
    # operator would.
    backup = wait_for(create, lambda b: b['status'] == 'available' or 'Service not found' not in (b['fail_reason'] or ''),
                      timeout=150, what='a backup service')
    try:
        assert backup['status'] == 'available', backup
        # cinder-backup is on dr: the backup of a volume on ceph lands in dr's backups pool.
        names = [i['image'] for i in rbd_json('ls -l backups', 'dr')]
        assert [n for n in names if n.startswith('volume-%s.backup.' % volume['id'])], names
    finally:
        api('DELETE', CINDER + '/backups/' + backup['id'])
        wait_for(lambda: api('GET', CINDER + '/backups/detail')['backups'],
                 lambda bs: backup['id'] not in [b['id'] for b in bs if b['status'] != 'error'], what='the backup deletion')


SITE = 'playbooks/site.yml'


def test_no_key_in_any_output_and_check_mode_changes_nothing():
    ceph = host('osc-lab-ceph')
    keys = [ceph.check_output('ceph --cluster %s auth get-key client.%s' % (c, u)).strip()
            for c, u in (('ceph', 'glance'), ('ceph', 'cinder'), ('dr', 'glance'), ('dr', 'cinder'), ('dr', 'cinder-backup'))]
    # Either key type: aes (40 characters) or aes256k (60), which Ceph 19.2.6 and 20.2.4 on make.
    assert all(is_cephx_key(k) for k in keys), 'not cephx keys: the check below would prove nothing'
    # This molecule run's own output so far (check, converge, idempotence, side effect), when
    # make molecule logs it.
    log = os.environ.get('OSC_LAB_MOLECULE_LOG')
    if log:
        with open(log, errors='replace') as f:
            text = f.read()
        assert 'PLAY RECAP' in text
        assert not [k for k in keys if k in text], 'a cephx key is in the molecule output'
    # A third run in check mode with diffs at -vvv: nothing to change, and no key shown.
    run = lab_playbook(SITE, '--check', '--diff', '-vvv')
    assert run.returncode == 0, run.stdout[-3000:]
    recap = run.stdout[run.stdout.rindex('PLAY RECAP'):]
    assert recap.count('changed=0') == 3 and 'failed=0' in recap, recap
    assert not [k for k in keys if k in run.stdout], 'a cephx key is in the -vvv --check --diff output'


def playbook(name, *args):
    return lab_playbook(os.path.join('playbooks', name), *args, timeout=600)


def test_verify_playbook_passes_and_can_fail():
    run = playbook('verify.yml')
    assert run.returncode == 0, run.stdout[-3000:]
    assert 'holds client.cinder' in run.stdout
    # The same smoke test fails when a service's key cannot reach the pool it is told to use.
    wrong = playbook('verify.yml', '-e', json.dumps({'openstack_ceph_glance_stores': [{'pool': 'volumes'}]}))
    assert wrong.returncode != 0
    assert 'client.glance -> volumes' in wrong.stdout


def test_a_stage_runs_on_its_own_and_changes_nothing():
    # cinder.yml without the earlier stages: its own context step reads the cluster.
    run = playbook('cinder.yml')
    assert run.returncode == 0, run.stdout[-3000:]
    recap = run.stdout[run.stdout.rindex('PLAY RECAP'):]
    assert 'changed=0' in recap and 'failed=0' in recap, recap


def test_cinder_backend_options_pins_and_a_third_backend():
    # On a copy of cinder.conf, so the running services are untouched: a third backend on dr (another
    # pool) with a pinned secret UUID and an option of its own, given in the model's declaration.
    controller = host('osc-lab-controller')
    controller.check_output('cp -p /etc/cinder/cinder.conf /tmp/cinder-multi.conf')
    dr_key = host('osc-lab-ceph').check_output('ceph --cluster dr auth get-key client.cinder').strip()
    extra = json.dumps({
        'openstack_ceph_cinder_backends': [
            {'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'},
            {'name': 'ceph-dr', 'cluster': 'dr', 'pool': 'volumes-dr', 'secret_uuid': '7c1d2f3e-0a4b-4c5d-8e6f-1a2b3c4d5e6f',
             'options': {'rbd_exclusive_cinder_pool': True}}],
        'cinder_rbd_config_file': '/tmp/cinder-multi.conf', 'cinder_rbd_restart': False})
    run = playbook('cinder.yml', '-e', extra)
    assert run.returncode == 0, run.stdout[-3000:]
    assert dr_key not in run.stdout
    conf = ini(controller, '/tmp/cinder-multi.conf')
    assert conf['DEFAULT']['enabled_backends'] == 'lvm,ceph,dr,ceph-dr'
    assert conf['ceph']['rbd_pool'] == 'volumes' and conf['ceph']['rbd_cluster_name'] == 'ceph'
    dr = conf['ceph-dr']
    assert (dr['rbd_cluster_name'], dr['rbd_ceph_conf'], dr['rbd_pool'], dr['rbd_secret_uuid'], dr['rbd_exclusive_cinder_pool']) == \
        ('dr', '/etc/ceph/dr.conf', 'volumes-dr', '7c1d2f3e-0a4b-4c5d-8e6f-1a2b3c4d5e6f', 'True')
    assert dr['volume_backend_name'] == 'ceph-dr' and dr['rbd_user'] == 'cinder'
    # One secret per (cluster, user): the pin on ceph-dr also names the dr backend's secret.
    assert conf['dr']['rbd_secret_uuid'] == '7c1d2f3e-0a4b-4c5d-8e6f-1a2b3c4d5e6f'
    # Cinder's own option definitions accept every name and value the role wrote.
    loaded = controller.run(
        "python3 -c \"import sys; from cinder.common import config; from cinder.volume import configuration; "
        "import cinder.volume.drivers.rbd as rbd; import cinder.backup.drivers.ceph; from oslo_config import cfg; "
        "c = cfg.CONF; c(['--config-file', sys.argv[1]], project='cinder', default_config_files=[]); "
        "b = configuration.Configuration(rbd.RBD_OPTS, config_group='ceph-dr'); "
        "print(b.rbd_cluster_name, b.rbd_pool, b.rbd_max_clone_depth, b.rados_connect_timeout, b.replication_connect_timeout, "
        "c.backup_ceph_pool, c.backup_ceph_chunk_size)\" /tmp/cinder-multi.conf")
    assert loaded.rc == 0, loaded.stderr[-2000:]
    assert loaded.stdout.split() == ['dr', 'volumes-dr', '5', '30', '5', 'backups', '134217728'], loaded.stdout


def test_glance_multi_store_form():
    # On a copy of glance-api.conf, then loaded by glance_store itself.
    controller = host('osc-lab-controller')
    controller.check_output('cp -p /etc/glance/glance-api.conf /tmp/glance-multi.conf')
    extra = json.dumps({'glance_rbd_config_file': '/tmp/glance-multi.conf', 'glance_rbd_restart': False,
                        'glance_rbd_store_layout': 'multi', 'glance_rbd_other_backends': {'web': 'http'}})
    run = playbook('glance.yml', '-e', extra)
    assert run.returncode == 0, run.stdout[-3000:]
    conf = ini(controller, '/tmp/glance-multi.conf')
    assert conf['DEFAULT']['enabled_backends'] == 'ceph:rbd,dr:rbd,web:http'
    assert conf['glance_store']['default_backend'] == 'ceph'
    assert (conf['ceph']['rbd_store_pool'], conf['ceph']['rbd_store_user'], conf['ceph']['rbd_store_chunk_size']) == \
        ('images', 'glance', '8')
    loaded = controller.run(
        "python3 -c \"import sys, glance_store; from oslo_config import cfg; c = cfg.CONF; "
        "c.register_opt(cfg.DictOpt('enabled_backends')); c(['--config-file', sys.argv[1]], project='glance', default_config_files=[]); "
        "glance_store.register_store_opts(c); glance_store.create_multi_stores(c); "
        "print(c.glance_store.default_backend, c.ceph.rbd_store_pool, c.ceph.rbd_store_user)\" /tmp/glance-multi.conf")
    assert loaded.rc == 0, loaded.stderr[-2000:]
    assert loaded.stdout.split()[-3:] == ['ceph', 'images', 'glance'], loaded.stdout


def started_at(node, unit):
    return node.check_output('systemctl show -p ActiveEnterTimestampMonotonic --value %s' % unit).strip()


def test_a_changed_option_restarts_only_its_service():
    controller = host('osc-lab-controller')
    units = ('glance-api', 'cinder-volume', 'cinder-backup')
    before = dict((u, started_at(controller, u)) for u in units)
    # image_size_cap = 1 TiB is Glance's own default: a real change to the file, none to behaviour.
    extra = json.dumps({'glance_rbd_extra_options': [{'section': 'DEFAULT', 'option': 'image_size_cap', 'value': '1099511627776'}]})
    changed = playbook('glance.yml', '-e', extra)
    assert changed.returncode == 0, changed.stdout[-3000:]
    assert 'RUNNING HANDLER [openstack_ceph.rbd.glance_rbd : Restart glance-api]' in changed.stdout
    after = dict((u, started_at(controller, u)) for u in units)
    assert after['glance-api'] != before['glance-api']
    assert (after['cinder-volume'], after['cinder-backup']) == (before['cinder-volume'], before['cinder-backup'])
    # Nothing changed the second time: no restart.
    again = playbook('glance.yml', '-e', extra)
    assert again.returncode == 0 and 'RUNNING HANDLER' not in again.stdout, again.stdout[-3000:]
    assert started_at(controller, 'glance-api') == after['glance-api']
    # Leave the lab serving: wait for the restarted API.
    wait_for(lambda: controller.run('curl -sf http://127.0.0.1:9292/versions').rc, lambda rc: rc == 0, timeout=60,
             what='glance-api after its restart')


def test_a_changed_nova_option_restarts_only_nova_compute():
    """nova_rbd_restart is true in the lab: a changed option in nova.conf restarts nova-compute, and
    neither libvirtd nor a controller service."""
    compute, controller = host('osc-lab-compute'), host('osc-lab-controller')
    others = ((compute, 'libvirtd'), (controller, 'nova-api'), (controller, 'nova-conductor'), (controller, 'glance-api'),
              (controller, 'cinder-volume'))
    before = started_at(compute, 'nova-compute'), [started_at(node, unit) for node, unit in others]
    # rbd_connect_timeout = 5 is Nova's own default: a real change to the file, none to behaviour.
    extra = json.dumps({'nova_rbd_extra_options': [{'section': 'libvirt', 'option': 'rbd_connect_timeout', 'value': '5'}]})
    try:
        changed = playbook('nova.yml', '-e', extra)
        assert changed.returncode == 0, changed.stdout[-3000:]
        assert 'RUNNING HANDLER [openstack_ceph.rbd.nova_rbd : Restart nova-compute]' in changed.stdout, changed.stdout[-3000:]
        restarted = started_at(compute, 'nova-compute')
        assert restarted != before[0]
        assert [started_at(node, unit) for node, unit in others] == before[1]
        again = playbook('nova.yml', '-e', extra)
        assert again.returncode == 0 and 'RUNNING HANDLER' not in again.stdout, again.stdout[-3000:]
        assert started_at(compute, 'nova-compute') == restarted
    finally:
        # Back to the lab's nova.conf (the option is Nova's default, so the running service is unchanged).
        compute.run('crudini --del /etc/nova/nova.conf libvirt rbd_connect_timeout')
    # Leave the lab serving: nova-compute reports to Nova again after its restart.
    since = compute.check_output('date -u +%Y-%m-%dT%H:%M:%S').strip()
    wait_for(lambda: [s['updated_at'] or '' for s in api('GET', NOVA + '/os-services?binary=nova-compute')['services']],
             lambda stamps: stamps and min(stamps) > since, timeout=120, what='nova-compute to report after its restart')


def test_external_mode_check_run_changes_nothing():
    # The side effect step's external-mode run, again in check mode: it reads, predicts no change.
    side_effect = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'side_effect.yml')
    run = lab_playbook(side_effect, '--check', '--diff', timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    recap = run.stdout[run.stdout.rindex('PLAY RECAP'):]
    assert recap.count('changed=0') == 2 and 'failed=0' in recap, recap


def test_nova_on_one_compute_host_moves_to_dr_with_a_second_converge(tmp_path, libvirt_opens):
    """openstack_ceph_nova is read per compute host: set for this host only (an inventory of its own, as
    a zone's group_vars would), a second converge moves its Nova to dr's vms pool through dr's secret."""
    ceph, compute = host('osc-lab-ceph'), host('osc-lab-compute')
    zone = tmp_path / 'zone-dr.yml'
    zone.write_text(json.dumps({'all': {'hosts': {'osc-lab-compute': {'openstack_ceph_nova': {'cluster': 'dr'}}}}}))
    try:
        moved = lab_playbook(SITE, '-i', str(zone))
        assert moved.returncode == 0, moved.stdout[-3000:]
        names, values = nova_validate(compute, '/etc/nova/nova.conf')
        assert names.rc == 0 and values.rc == 0, (names.stderr[-1000:], values.stderr[-1000:])
        secret = str(uuid.uuid5(ANSIBLE_UUID_NAMESPACE, fsid('dr') + ':client.cinder'))
        assert values.stdout.split()[:4] == ['rbd', 'vms', 'cinder', secret], values.stdout
        assert ini(compute, '/etc/nova/nova.conf')['libvirt']['images_rbd_ceph_conf'] == '/etc/ceph/dr.conf'
        # dr now has Nova's pool, and its client.cinder may write there.
        caps = json.loads(ceph.check_output('ceph --cluster dr auth get client.cinder --format json'))[0]['caps']
        assert 'profile rbd pool=vms' in caps['osd'], caps
        keyring = compute.file('/etc/ceph/dr.client.cinder.keyring')
        assert (keyring.user, keyring.mode) == ('nova', 0o640)
        assert 'fsid = %s' % fsid('dr') in compute.file('/etc/ceph/dr.conf').content_string
        # libvirt opens dr's vms pool through the secret nova.conf names.
        libvirt_opens('dr', 'vms', secret)
    finally:
        # Back to the lab's declaration: Nova on ceph again, and dr's client.cinder without vms.
        back = lab_playbook(SITE)
        compute.run('rm -f /etc/ceph/dr.conf /etc/ceph/dr.client.cinder.keyring')
    assert back.returncode == 0, back.stdout[-3000:]
    assert ini(compute, '/etc/nova/nova.conf')['libvirt']['images_rbd_ceph_conf'] == '/etc/ceph/ceph.conf'
    caps = json.loads(ceph.check_output('ceph --cluster dr auth get client.cinder --format json'))[0]['caps']
    assert 'pool=vms' not in caps['osd'], caps


def test_bad_declarations_stop_the_run_with_a_message_that_names_the_variable():
    controller = host('osc-lab-controller')
    before = controller.check_output('md5sum /etc/cinder/cinder.conf /etc/ceph/*')
    # A 0.2 variable, set the old way: refused at the first play, naming its replacement.
    old = playbook('cinder.yml', '-e', 'nova_rbd_user=nova')
    assert old.returncode != 0
    assert 'nova_rbd_user is replaced by openstack_ceph_nova.user' in old.stdout, old.stdout[-2000:]
    # An external cluster whose key was not handed over: the message says where it goes, and is not
    # hidden by the no_log of the task that holds the keys.
    external = json.dumps({'openstack_ceph_clusters': [{'name': 'ceph'}, {'name': 'dr', 'fsid': str(uuid.uuid4()),
                                                                          'mon_host': '[v2:192.0.2.10:3300/0]'}]})
    missing = playbook('cinder.yml', '-e', external)
    assert missing.returncode != 0
    assert "give it in openstack_ceph_keys.dr['client.glance']" in missing.stdout, missing.stdout[-2000:]
    # A service on a cluster nobody declared.
    undeclared = playbook('cinder.yml', '-e', json.dumps({'openstack_ceph_cinder_backup': {'cluster': 'nowhere'}}))
    assert undeclared.returncode != 0 and 'openstack_ceph_cinder_backup' in undeclared.stdout, undeclared.stdout[-2000:]
    assert controller.check_output('md5sum /etc/cinder/cinder.conf /etc/ceph/*') == before
    # cinder-volume on the compute node (its group is the compute group), with Nova's default user
    # client.cinder: the two services would each own one keyring file. Refused at the first play.
    compute = host('osc-lab-compute')
    compute_before = compute.check_output('md5sum /etc/ceph/* /etc/nova/nova.conf; stat -c "%n %U %a" /etc/ceph/*')
    shared = playbook('site.yml', '-e', 'openstack_ceph_group_cinder_volume=nova_compute')
    assert shared.returncode != 0
    assert ('Host osc-lab-compute: /etc/ceph/ceph.client.cinder.keyring would be written for Cinder and Nova'
            in shared.stdout), shared.stdout[-2000:]
    assert 'Pools of cluster' not in shared.stdout, 'the Ceph stage ran before the refusal'
    assert compute.check_output('md5sum /etc/ceph/* /etc/nova/nova.conf; stat -c "%n %U %a" /etc/ceph/*') == compute_before


def test_one_cluster_declared_twice_is_refused_before_the_ceph_stage_changes_anything():
    ceph = host('osc-lab-ceph')
    # The lab's ceph cluster again, under another name (its admin host knows it as "ceph"), with a pool
    # of its own: the fsids read give it away before a pool is made.
    with open(os.path.join(ROOT, 'inventories', 'lab', 'group_vars', 'all.yml')) as f:
        clusters = yaml.safe_load(f)['openstack_ceph_clusters']
    clusters.append({'name': 'again', 'admin_host': 'osc-lab-ceph', 'cli': {'cluster': 'ceph'}, 'pools': ['verify-twice']})
    run = playbook('ceph.yml', '-e', json.dumps({'openstack_ceph_clusters': clusters}))
    assert run.returncode != 0
    assert "cluster 'again' has fsid" in run.stdout and "as cluster 'ceph' has" in run.stdout, run.stdout[-2000:]
    assert 'verify-twice' not in ceph.check_output('ceph osd pool ls')


def upstream_major(node, package):
    """The major version of a Debian package, as dpkg has it (epoch and Debian revision dropped)."""
    version = node.check_output("dpkg-query -W -f '${Version}' %s" % package)
    return int(version.split(':')[-1].split('.')[0])


def test_each_services_release_is_read_and_known():
    # The roles read each service's release once a run; here the module is asked directly on each
    # node (through Ansible: the docker connection backend cannot run modules) and checked against
    # dpkg's own record of the package.
    for name, services in (('osc-lab-controller', ['glance', 'cinder']), ('osc-lab-compute', ['nova'])):
        node = testinfra.get_host('ansible://%s?ansible_inventory=%s&force_ansible=True'
                                  % (name, os.environ['MOLECULE_INVENTORY_FILE']))
        result = node.ansible('openstack_ceph.rbd.openstack_release_info', 'services=%s' % ','.join(services), check=True)
        for service in services:
            read = result['services'][service]
            assert read['found'] and read['known'], (name, read)
            assert int(read['version'].split('.')[0]) == upstream_major(host(name), 'python3-' + service), (name, read)
    log = os.environ.get('OSC_LAB_MOLECULE_LOG')
    if log:
        with open(log, errors='replace') as f:
            text = f.read()
        assert 'a release this collection does not know' not in text
        # Each role's summary names the release it read.
        assert 'glance-api (Glance ' in text and 'nova-compute (Nova ' in text and 'cinder-volume (Cinder ' in text


# ---- A server boots from a copy-on-write clone of a Glance image (issue 13) ----
@pytest.fixture(scope='module')
def boot_image():
    image = upload_boot_image('verify-boot')
    yield image
    api('DELETE', GLANCE + '/v2/images/' + image['id'])


def rbd_disks(compute, instance_name):
    """The running domain's rbd disks, read from libvirt on the compute node:
    {rbd image: (auth username, secret type, secret uuid)}."""
    domain = ElementTree.fromstring(compute.check_output('virsh -c qemu:///system dumpxml %s' % instance_name))
    disks = {}
    for disk in domain.findall('devices/disk'):
        source = disk.find('source')
        if disk.get('type') == 'network' and source is not None and source.get('protocol') == 'rbd':
            auth = disk.find('auth')
            secret = auth.find('secret') if auth is not None else None
            disks[source.get('name')] = (auth.get('username') if auth is not None else None,
                                         secret.get('type') if secret is not None else None,
                                         secret.get('uuid') if secret is not None else None)
    return disks


def qemu_runs(compute, instance_name):
    return [p for p in compute.process.filter(comm='qemu-system-x86') if 'guest=%s,' % instance_name in p.args]


def lab_secret():
    """The secret UUID the collection derives for client.cinder of the lab's ceph cluster (0.2's rule)."""
    return str(uuid.uuid5(ANSIBLE_UUID_NAMESPACE, fsid() + ':client.cinder'))


def test_a_server_boots_from_a_clone_and_attaches_a_volume_through_the_secret(boot_image):
    compute = host('osc-lab-compute')
    server = boot(boot_image, 'verify-server')
    name = server.get('OS-EXT-SRV-ATTR:instance_name')
    volume = None
    try:
        assert server['status'] == 'ACTIVE', server.get('fault', server)
        # Its root disk is a copy-on-write clone of the image's protected snapshot, in vms.
        parent = rbd_json('info vms/%s_disk' % server['id'])['parent']
        assert (parent['pool'], parent['image'], parent['snapshot']) == ('images', boot_image['id'], 'snap'), parent
        # QEMU opened it over rbd as client.cinder, through the collection's libvirt secret.
        disks = rbd_disks(compute, name)
        assert disks == {'vms/%s_disk' % server['id']: ('cinder', 'ceph', lab_secret())}, disks
        assert qemu_runs(compute, name), 'no QEMU process for %s' % name

        # A volume cloned from the same image, attached through Nova: a second rbd disk, same secret.
        volume = create_volume(boot_image, 'ceph', 'verify-attach')
        api('POST', NOVA + '/servers/%s/os-volume_attachments' % server['id'],
            {'volumeAttachment': {'volumeId': volume['id']}}, headers=NOVA_VERSION)
        attached = wait_for(lambda: api('GET', CINDER + '/volumes/' + volume['id'])['volume'],
                            lambda v: v['status'] not in ('available', 'reserved', 'attaching'), what='the attachment')
        assert attached['status'] == 'in-use', attached
        disks = rbd_disks(compute, name)
        assert disks.get('volumes/volume-%s' % volume['id']) == ('cinder', 'ceph', lab_secret()), disks

        # Detached from the stopped server (a guest without an operating system never releases a
        # hot-unplugged disk). Nova asks Cinder to delete the attachment with its service token,
        # which Cinder requires since bug 2004555: the volume is available again, and out of the domain.
        api('POST', NOVA + '/servers/%s/action' % server['id'], {'os-stop': None}, headers=NOVA_VERSION)
        stopped = wait_for(lambda: server_of(server['id']), lambda s: s['status'] != 'ACTIVE' and not s['OS-EXT-STS:task_state'],
                           what='the server stop')
        assert stopped['status'] == 'SHUTOFF', stopped
        api('DELETE', NOVA + '/servers/%s/os-volume_attachments/%s' % (server['id'], volume['id']), headers=NOVA_VERSION)
        detached = wait_for(lambda: api('GET', CINDER + '/volumes/' + volume['id'])['volume'],
                            lambda v: v['status'] not in ('in-use', 'detaching'), what='the detachment')
        assert detached['status'] == 'available' and not detached['attachments'], detached
        disks = rbd_disks(compute, name)
        assert list(disks) == ['vms/%s_disk' % server['id']], disks
    finally:
        delete_server(server)
        if volume:
            delete_volume(volume)
    # Nothing of the server is left in Ceph or on the compute node, and the image's snapshot has no
    # clone left.
    assert '%s_disk' % server['id'] not in [i['image'] for i in rbd_json('ls -l vms')]
    assert rbd_json('children images/%s@snap' % boot_image['id']) == []
    assert not qemu_runs(compute, name)


def test_the_boot_depends_on_the_secret_and_the_collection_puts_it_right(boot_image):
    compute = host('osc-lab-compute')
    # A wrong key in the secret (freshly made: two keys that differ only before "==" can decode to
    # the same bytes): QEMU cannot open the clone, so the boot fails.
    compute.check_output('umask 077; ceph-authtool --gen-print-key > /tmp/wrong.key && '
                         'virsh -c qemu:///system secret-set-value --secret %s --file /tmp/wrong.key && rm -f /tmp/wrong.key'
                         % lab_secret())
    try:
        failed = boot(boot_image, 'verify-wrong-key')
        try:
            assert failed['status'] == 'ERROR', failed
        finally:
            delete_server(failed)
        # verify.yml names the secret that does not hold the key (and stops there, before its boot check).
        check = playbook('verify.yml')
        assert check.returncode != 0, check.stdout[-3000:]
        assert "libvirt secret %s does not hold client.cinder's key" % lab_secret() in check.stdout, check.stdout[-3000:]
    finally:
        # The collection's libvirt stage finds the wrong value and sets client.cinder's key again
        # (whatever failed above: the tests after this one need the right key).
        run = playbook('libvirt.yml')
    assert run.returncode == 0, run.stdout[-3000:]
    assert 'changed=1' in run.stdout[run.stdout.rindex('PLAY RECAP'):], run.stdout[-3000:]
    again = boot(boot_image, 'verify-right-key')
    try:
        assert again['status'] == 'ACTIVE', again.get('fault', again)
    finally:
        delete_server(again)


VERIFY_SERVER = 'openstack-ceph-verify-boot'


def verify_boot(image, flavor=FLAVOR):
    """verify.yml with its opt-in boot check, run by the controller's openstack client as the cloud
    "lab" of its clouds.yaml."""
    return playbook('verify.yml', '-e', json.dumps({'openstack_ceph_verify_boot': {
        'image': image['id'], 'flavor': flavor, 'cloud': 'lab', 'host': 'osc-lab-controller', 'timeout': 240}}))


def test_verify_playbooks_boot_check_proves_the_clone_and_deletes_its_server(boot_image):
    check = verify_boot(boot_image)
    assert check.returncode == 0, check.stdout[-3000:]
    # Its own word, checked below against Nova's and Ceph's.
    said = [line for line in check.stdout.splitlines() if 'booted from vms/' in line]
    assert said and ', a clone of images/%s@snap on cluster ceph' % boot_image['id'] in said[0], check.stdout[-3000:]
    server_id = said[0].split('Server ')[1].split()[0]
    # Gone from Nova's list: the client's delete --wait ends when the server's status is DELETED, which Nova
    # reports a moment before its record leaves the list.
    wait_for(lambda: [s['name'] for s in api('GET', NOVA + '/servers', headers=NOVA_VERSION)['servers']],
             lambda names: VERIFY_SERVER not in names, timeout=30, what='the boot check\'s server gone from the list')
    assert '%s_disk' % server_id not in [i['image'] for i in rbd_json('ls -l vms')]
    assert rbd_json('children images/%s@snap' % boot_image['id']) == []
    # Nova's own record: the server the check made and deleted was built from the image.
    deleted = api('GET', NOVA + '/servers/detail?deleted=true&name=%s' % VERIFY_SERVER, headers=NOVA_VERSION)['servers']
    assert [(s['id'], s['image']['id']) for s in deleted if s['id'] == server_id] == [(server_id, boot_image['id'])], deleted
    recap = check.stdout[check.stdout.rindex('PLAY RECAP'):]
    assert 'failed=0' in recap, recap
    # A server that goes to ERROR fails the check, and the check still deletes it: 16 vCPUs are within
    # the project's quota (20) and beyond what the 2-core compute node offers (8, at Nova's default
    # allocation ratio of 4), so the scheduler finds no host.
    if 'lab-wide' not in [f['id'] for f in api('GET', NOVA + '/flavors', headers=NOVA_VERSION)['flavors']]:
        api('POST', NOVA + '/flavors', {'flavor': {'id': 'lab-wide', 'name': 'lab-wide', 'ram': 64, 'vcpus': 16, 'disk': 1}},
            headers=NOVA_VERSION)
    failed = verify_boot(boot_image, 'lab-wide')
    assert failed.returncode != 0, failed.stdout[-3000:]
    assert 'TASK [Boot a server from the image, without a network]' in failed.stdout and 'booted from' not in failed.stdout
    deleting = failed.stdout[failed.stdout.index('TASK [Delete the server]'):]
    assert 'changed: [osc-lab-controller' in deleting.split('PLAY RECAP')[0], deleting[:2000]
    wait_for(lambda: [s['name'] for s in api('GET', NOVA + '/servers', headers=NOVA_VERSION)['servers']],
             lambda names: VERIFY_SERVER not in names, timeout=30, what='the failed server gone from the list')
    # Bad settings are refused before anything is created, naming the variable.
    bad = playbook('verify.yml', '-e', json.dumps({'openstack_ceph_verify_boot': {'image': boot_image['id']}}))
    assert bad.returncode != 0 and 'openstack_ceph_verify_boot needs image and flavor' in bad.stdout, bad.stdout[-2000:]
    assert 'TASK [Boot a server from the image' not in bad.stdout
