# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One runner for the ceph, rbd and virsh command-line tools.

Every CLI call of the collection goes through CLIRunner.run(): argv lists only (never a
shell), binaries resolved once with get_bin_path, LANG=C, JSON parsed rather than scraped,
and secrets passed on stdin only. Failures carry the attempted argv (which by construction
holds no secret), rc and stderr.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import json
import re

# Options shared by every module that talks to a Ceph cluster. The doc fragment
# openstack_ceph.rbd.ceph_client documents them.
CEPH_CLIENT_ARGUMENT_SPEC = dict(
    cluster=dict(type='str', default='ceph'),
    conf=dict(type='path'),
    user=dict(type='str', default='admin', aliases=['id']),
    keyring=dict(type='path', no_log=False),
    connect_timeout=dict(type='int', default=30),
    cli_prefix=dict(type='list', elements='str', default=[]),
)

LOCALE_ENV = {'LANG': 'C', 'LC_ALL': 'C', 'LC_MESSAGES': 'C'}

# A cephx secret is the base64 form of 28 bytes: a 12-byte header and a 16-byte AES key.
CEPHX_KEY_BYTES = 28
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')

_TIMEOUT_MARKERS = ('timed out', 'Connection timed out', '(110)')


def cephx_key_bytes(module, value, param):
    """Decode a base64 cephx key, failing with a message that names the parameter (not the value)."""
    try:
        raw = base64.b64decode(value.strip().encode('ascii'), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        module.fail_json(msg="%s is not a valid cephx key: it is not base64 text." % param)
    if len(raw) != CEPHX_KEY_BYTES:
        module.fail_json(msg="%s is not a valid cephx key: it decodes to %d bytes, a cephx key has %d "
                             "(generate one with 'ceph-authtool --gen-print-key')."
                         % (param, len(raw), CEPHX_KEY_BYTES))
    return raw


def check_uuid(module, value, param):
    if not UUID_RE.match(value or ''):
        module.fail_json(msg="%s must be a UUID such as 457eb676-33da-42ec-9a8c-9293d545c337, got %r."
                         % (param, value))
    return value.lower()


def describe(tool, args):
    """'ceph osd pool set' for an error message: the tool and its subcommand words."""
    words = []
    for a in args:
        a = str(a)
        if a.startswith('-') or len(words) == 3:
            break
        words.append(a)
    return ' '.join([tool] + words)


def changed_fields(have, want):
    """The managed fields whose wanted value differs from the live one (None means 'not managed')."""
    return dict((k, v) for k, v in want.items() if v is not None and have.get(k) != v)


class CLIRunner(object):
    """Runs one CLI tool (ceph, rbd or virsh) for a module, optionally behind a command prefix."""

    def __init__(self, module, prefix=None):
        self.module = module
        self.prefix = list(prefix or [])
        self._paths = {}
        if self.prefix:
            # The tool lives behind the prefix (cephadm shell --, podman exec NAME, ...):
            # only the prefix's own program has to exist here.
            self.prefix[0] = module.get_bin_path(self.prefix[0], required=True)

    def _bin(self, name):
        if self.prefix:
            return name
        if name not in self._paths:
            self._paths[name] = self.module.get_bin_path(name, required=True)
        return self._paths[name]

    def common_args(self, tool):
        return []

    def argv(self, tool, args):
        return self.prefix + [self._bin(tool)] + self.common_args(tool) + [str(a) for a in args]

    def run(self, tool, args, data=None, check_rc=True, what=None):
        """Run tool with args; data (a secret, a keyring, XML) goes on stdin and nowhere else."""
        cmd = self.argv(tool, args)
        rc, out, err = self.module.run_command(
            cmd, data=data, binary_data=True, environ_update=LOCALE_ENV, check_rc=False)
        if rc != 0 and check_rc:
            self.fail(cmd, rc, out, err, what or describe(tool, args))
        return rc, out, err

    def run_json(self, tool, args, check_rc=True, what=None):
        rc, out, err = self.run(tool, list(args) + ['--format', 'json'], check_rc=check_rc, what=what)
        if rc != 0:
            return rc, None, err
        try:
            return rc, json.loads(out) if out.strip() else None, err
        except ValueError:
            self.module.fail_json(msg="%s: could not parse its JSON output" % (what or describe(tool, args)),
                                  cmd=self.argv(tool, args), rc=rc, stderr=err)

    def unreachable_hint(self, rc, err):
        return None

    def fail(self, cmd, rc, out, err, what):
        msg = "%s failed" % what
        hint = self.unreachable_hint(rc, err)
        if hint:
            msg = "%s: %s" % (msg, hint)
        else:
            last = (err or out or '').strip().splitlines()
            if last:
                msg = "%s: %s" % (msg, last[-1])
        self.module.fail_json(msg=msg, cmd=cmd, rc=rc, stdout=out, stderr=err)


class CephCLI(CLIRunner):
    """Runner for the ceph and rbd tools, with the connection options of CEPH_CLIENT_ARGUMENT_SPEC."""

    def __init__(self, module):
        p = module.params
        super(CephCLI, self).__init__(module, p.get('cli_prefix'))
        if p['connect_timeout'] < 1:
            module.fail_json(msg="connect_timeout must be at least 1 second, got %d." % p['connect_timeout'])
        self.timeout = p['connect_timeout']
        user = p['user']
        if user.startswith('client.'):
            user = user[len('client.'):]
        common = ['--cluster', p['cluster']]
        if p.get('conf'):
            common += ['--conf', p['conf']]
        common += ['--id', user]
        if p.get('keyring'):
            common += ['--keyring', p['keyring']]
        self._ceph_common = common

    def common_args(self, tool):
        if tool == 'ceph':
            return self._ceph_common + ['--connect-timeout', str(self.timeout)]
        # rbd is a C++ tool: the same bound is its client_mount_timeout, and each request to an OSD
        # gets it too, so a pool whose placement groups are not active (rbd children and
        # snap unprotect scan every pool) fails the call instead of blocking the play forever.
        # Every rbd step the modules take can be run again after such a failure.
        return self._ceph_common + ['--client_mount_timeout', str(self.timeout),
                                    '--rados_osd_op_timeout', str(self.timeout)]

    def unreachable_hint(self, rc, err):
        err = err or ''
        if not any(m in err for m in _TIMEOUT_MARKERS):
            return None
        if 'monclient' in err or "couldn't connect" in err or err.strip() == 'timed out':
            return ("could not reach the Ceph monitors within connect_timeout=%ds "
                    "(check conf, mon_host, the network and the client keyring)" % self.timeout)
        return ("the OSDs did not answer within connect_timeout=%ds (are the placement groups of the pools "
                "involved active? see 'ceph health detail')" % self.timeout)

    def ceph(self, args, **kwargs):
        return self.run('ceph', args, **kwargs)

    def ceph_json(self, args, **kwargs):
        return self.run_json('ceph', args, **kwargs)

    def rbd(self, args, **kwargs):
        return self.run('rbd', args, **kwargs)

    def rbd_json(self, args, **kwargs):
        return self.run_json('rbd', args, **kwargs)


class VirshCLI(CLIRunner):
    """Runner for virsh against one libvirt URI."""

    def __init__(self, module):
        super(VirshCLI, self).__init__(module, module.params.get('cli_prefix'))
        self.uri = module.params['uri']

    def common_args(self, tool):
        return ['--quiet', '--connect', self.uri]

    def unreachable_hint(self, rc, err):
        if 'failed to connect to the hypervisor' in (err or ''):
            return "could not connect to libvirt at %s (is libvirtd or virtsecretd running?)" % self.uri
        return None
