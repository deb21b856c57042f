# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lab's (molecule) tests share to run the collection's playbooks, call the lab's OpenStack
APIs and boot a server: imported as `lab_run` (pytest.ini puts tests/integration on the path)."""

import json
import os
import subprocess
import time

import testinfra.utils.ansible_runner
from lab_keystone import token

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CONTROLLER = 'osc-lab-controller'
GLANCE = 'http://127.0.0.1:9292'
CINDER = 'http://127.0.0.1:8776/v3'
NOVA = 'http://127.0.0.1:8774/v2.1'
# 2.37 is the first microversion that takes "networks": "none" (the lab has no network for guests).
NOVA_VERSION = {'OpenStack-API-Version': 'compute 2.37'}
# A 16 MiB raw disk whose boot sector runs cli; hlt; jmp back: QEMU starts it and the guest idles
# (a spinning guest would take a core of this 2-core machine). 55 aa marks the sector bootable.
BOOT_DISK = b'\372\364\353\375' + b'\0' * 506 + b'\125\252' + b'\0' * (16 * 1024 * 1024 - 512)
FLAVOR = 'lab-tiny'


def controller():
    """The lab's controller host, as testinfra reaches it."""
    return testinfra.utils.ansible_runner.AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE']).get_host(CONTROLLER)


def plain_env(env=None):
    """The environment without the colours molecule's verifier forces, so that output reads as text."""
    env = dict(os.environ if env is None else env, ANSIBLE_NOCOLOR='1')
    for name in ('ANSIBLE_FORCE_COLOR', 'PY_COLORS'):
        env.pop(name, None)
    return env


def run(argv, timeout=900, cwd=ROOT, env=None):
    """A command on this machine, its output and errors together, as text without colours."""
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=timeout, check=False, cwd=cwd, env=plain_env(env))


def playbook(path, *args, **kwargs):
    """ansible-playbook on the lab's inventory; path is relative to the project."""
    return run(['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], path] + list(args), **kwargs)


def docker(container, *argv, **kwargs):
    """A command in a lab container, stdin from `input`."""
    return subprocess.run(['docker', 'exec', '-i', container] + list(argv), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False, **kwargs)


def call(method, url, body=None, data=None, headers=None, timeout=30):
    """One request from the controller, where the APIs listen on loopback, with a token of the lab's
    Keystone: (HTTP status, or None when there was no answer; the JSON answer, or None). It never raises,
    so that a load loop can count failures."""
    argv = ['curl', '-s', '-m', str(timeout), '-o', '/dev/stdout', '-w', '\n%{http_code}', '-X', method,
            '-H', 'X-Auth-Token: %s' % token(controller())]
    for name, value in sorted((headers or {}).items()):
        argv += ['-H', '%s: %s' % (name, value)]
    if body is not None:
        argv += ['-H', 'Content-Type: application/json', '-d', json.dumps(body)]
    if data is not None:
        argv += ['-H', 'Content-Type: application/octet-stream', '--data-binary', '@-']
    try:
        done = docker(CONTROLLER, *(argv + [url]), input=data, timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        return None, None
    text, code = done.stdout.decode(errors='replace').rpartition('\n')[::2]
    try:
        return int(code) or None, (json.loads(text) if text.strip() else None)
    except ValueError:
        return int(code) if code.isdigit() else None, None


def api(method, url, body=None, data=None, headers=None):
    """A request that must succeed (a 2xx status): its JSON answer."""
    code, answer = call(method, url, body=body, data=data, headers=headers)
    assert code is not None and 200 <= code < 300, '%s %s: HTTP %s %s' % (method, url, code, answer)
    return answer


def wait_for(read, done, timeout=180, what='', interval=2):
    """read() until done(value), at most timeout seconds: the last value, or an AssertionError naming what."""
    deadline = time.time() + timeout
    while True:
        value = read()
        if done(value):
            return value
        assert time.time() < deadline, 'timed out waiting for %s: %s' % (what, value)
        time.sleep(interval)


def boot_image(name):
    """The boot disk uploaded to Glance's default store as a raw image, and the lab's tiny flavor."""
    # os_shutdown_timeout 0: Nova stops the guest at once, without waiting for an operating system it
    # does not have to shut down.
    made = api('POST', GLANCE + '/v2/images', {'name': name, 'disk_format': 'raw', 'container_format': 'bare',
                                               'os_shutdown_timeout': '0'})
    api('PUT', GLANCE + '/v2/images/%s/file' % made['id'], data=BOOT_DISK)
    image = wait_for(lambda: api('GET', GLANCE + '/v2/images/' + made['id']),
                     lambda i: i['status'] != 'saving', what='the image upload')
    flavors = api('GET', NOVA + '/flavors', headers=NOVA_VERSION)['flavors']
    if FLAVOR not in [f['id'] for f in flavors]:
        api('POST', NOVA + '/flavors', {'flavor': {'id': FLAVOR, 'name': FLAVOR, 'ram': 64, 'vcpus': 1, 'disk': 1}},
            headers=NOVA_VERSION)
    return image


def server_of(server_id):
    return api('GET', NOVA + '/servers/' + server_id, headers=NOVA_VERSION)['server']


def boot(image, name, timeout=300):
    """A server booted from the image with the lab's tiny flavor and no network, once out of BUILD."""
    made = api('POST', NOVA + '/servers', {'server': {'name': name, 'imageRef': image['id'], 'flavorRef': FLAVOR,
                                                      'networks': 'none'}}, headers=NOVA_VERSION)['server']
    return wait_for(lambda: server_of(made['id']), lambda s: s['status'] != 'BUILD', timeout=timeout,
                    what='the server build')


def delete_server(server):
    api('DELETE', NOVA + '/servers/' + server['id'], headers=NOVA_VERSION)
    wait_for(lambda: [s['id'] for s in api('GET', NOVA + '/servers', headers=NOVA_VERSION)['servers']],
             lambda ids: server['id'] not in ids, what='the server deletion')
