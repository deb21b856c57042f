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
import calendar
import json
import math
import os
import platform
import re
import struct
import threading
import time

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

# A cephx key is the base64 form of Ceph's encoding of a CryptoKey (src/auth/Crypto.cc, CryptoKey::encode):
# the key type (u16, little-endian), its creation time (u32 seconds, u32 nanoseconds), the secret's
# length (u16, little-endian), then the secret. Two types exist (CEPH_CRYPTO_* in src/include/ceph_fs.h,
# the secrets' lengths in src/auth/Crypto.cc), named as `ceph-authtool --key-type` takes them:
#   1 CEPH_CRYPTO_AES          'aes'      a 16-byte AES-128 key: 28 bytes, 40 base64 characters 'AQ...=='
#   2 CEPH_CRYPTO_AES256KRB5   'aes256k'  a 32-byte AES256-CTS-HMAC-SHA384-192 key (Ceph 19.2.6 and 20.2.4
#                                         on): 44 bytes, 60 base64 characters 'Ag...='
CEPHX_KEY_HEADER = struct.Struct('<HIIH')
CEPHX_KEY_TYPES = {1: ('aes', 16), 2: ('aes256k', 32)}
# A key of the classic type, aes.
CEPHX_KEY_BYTES = CEPHX_KEY_HEADER.size + 16
# The Ceph clients that can use an aes256k key: 19.2.6 and later in 19.x, 20.2.4 and later in 20.x,
# and every release from 21 on. Older ones (16.x to 18.x, 19.2.0 to 19.2.5, 20.0 to 20.2.3) cannot.
AES256K_CLIENTS = {19: (19, 2, 6), 20: (20, 2, 4)}
AES256K_FIRST_MAJOR = 21
AES256K_CLIENTS_TEXT = "Ceph 19.2.6 or later in 19.x, 20.2.4 or later in 20.x, or 21 and later"
# The library every client of a keyring or a libvirt secret loads (QEMU through librbd, python3-rados,
# the ceph CLI), its package in Debian, Ubuntu and the RPM distributions alike; and how long reading its
# version from the package database may take.
CLIENT_LIBRARY = 'librados2'
CLIENT_VERSION_TIMEOUT = 10
_PACKAGE_VERSION_RE = re.compile(r'^(?:[0-9]+:)?([0-9]+)\.([0-9]+)\.([0-9]+)')
# Every pattern ends in \Z, not $: '$' also matches before a trailing newline, which let names
# such as 'images\n' through and into the cluster.
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z')
# A Ceph cluster name is a file-name stem (/etc/ceph/<cluster>.conf, /var/log/ceph/<cluster>-*.log):
# no '/', no '..', nothing a shell or a path would read differently.
CLUSTER_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_-]{0,63}\Z')
# The ID part of a cephx entity (client.<ID>): what `ceph auth` accepts and a keyring file name can hold.
ENTITY_ID_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}\Z')
# A pool name: what ceph_pool, the RBD modules and the ceph_model filter all take.
POOL_NAME_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,254}\Z')
CONTROL_RE = re.compile(u'[\x00-\x1f\x7f-\x9f]')

# Largest values Ceph stores: quotas are unsigned 64-bit, most counts signed 32-bit.
UINT64_MAX = (1 << 64) - 1
INT32_MAX = (1 << 31) - 1

_TIMEOUT_MARKERS = ('timed out', 'Connection timed out', '(110)')
# Printed by rbd (and librados users) when a step timed out, sometimes with exit code 0.
_SILENT_TIMEOUT_RE = re.compile(r'\(110\) Connection timed out|error \(110\)|ETIMEDOUT')


def control_problem(value, param):
    """Why a text parameter is refused for holding control characters (newline, tab, NUL...), or None."""
    if isinstance(value, str) and CONTROL_RE.search(value):
        return "%s must not contain control characters (newline, tab, NUL...), got %r." % (param, value)
    return None


def number_problem(value, param, minimum=None, maximum=None):
    """Why a number parameter is refused (not finite, or outside [minimum, maximum]), or None."""
    if value is None:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "%s must be a finite number, got %r." % (param, value)
    if minimum is not None and value < minimum:
        return "%s must be at least %s, got %r." % (param, minimum, value)
    if maximum is not None and value > maximum:
        return "%s must be at most %s, got %r." % (param, maximum, value)
    return None


# Ceph's JSON formatter prints non-finite doubles bare (nan, -nan, inf), which is not JSON. A value
# poisoned that way must not make every later read of the cluster fail: read them as floats.
_BARE_NONFINITE_RE = re.compile(r'("(?:[^"\\]|\\.)*")|(?<![\w.])(-?)(nan|inf|infinity)(?![\w.])', re.IGNORECASE)


def loads_lenient(text):
    """json.loads that also reads the bare nan/inf tokens Ceph prints for non-finite numbers."""
    try:
        return json.loads(text)
    except ValueError:
        def fix(m):
            if m.group(1):
                return m.group(1)
            if m.group(3).lower() == 'nan':
                return 'NaN'
            return '-Infinity' if m.group(2) else 'Infinity'
        return json.loads(_BARE_NONFINITE_RE.sub(fix, text))


def cephx_key_problem(value, param):
    """(raw bytes, key type, None) for a base64 cephx key, or (None, None, why it is refused).

    The key is decoded and checked by its structure: a known type, the secret length that type has,
    and nothing before or after. The message names the parameter, never the value (nor anything
    read from it)."""
    refused = "%s is not a valid cephx key: " % param
    hint = " Copy it from 'ceph auth get-key ENTITY', or generate one with 'ceph-authtool --gen-print-key'."
    if not isinstance(value, str):
        return None, None, refused + "it must be base64 text." + hint
    try:
        raw = base64.b64decode(value.strip().encode('ascii'), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None, None, refused + "it is not base64 text." + hint
    if len(raw) < CEPHX_KEY_HEADER.size:
        return None, None, refused + ("it decodes to %d bytes, fewer than the %d of a cephx key's header."
                                      % (len(raw), CEPHX_KEY_HEADER.size)) + hint
    key_type, dummy_sec, dummy_nsec, length = CEPHX_KEY_HEADER.unpack_from(raw)
    if key_type not in CEPHX_KEY_TYPES:
        return None, None, refused + ("it is not of a key type Ceph has: cephx keys are of type %s."
                                      % ' or '.join('%s (%d)' % (CEPHX_KEY_TYPES[t][0], t)
                                                    for t in sorted(CEPHX_KEY_TYPES))) + hint
    name, secret_length = CEPHX_KEY_TYPES[key_type]
    expected = CEPHX_KEY_HEADER.size + secret_length
    if length != secret_length:
        return None, None, refused + ("it is of type %s, whose secret has %d bytes, but its header gives another "
                                      "length." % (name, secret_length)) + hint
    if len(raw) != expected:
        return None, None, refused + ("it decodes to %d bytes; a key of type %s has %d (a %d-byte header and a "
                                      "%d-byte secret)." % (len(raw), name, expected, CEPHX_KEY_HEADER.size,
                                                            secret_length)) + hint
    return raw, name, None


def cephx_key_bytes(module, value, param):
    """Decode a base64 cephx key of either type, failing with a message that names the parameter (not the value)."""
    raw, dummy, problem = cephx_key_problem(value, param)
    if problem:
        module.fail_json(msg=problem)
    return raw


def cephx_key_type(module, value, param):
    """The type of a base64 cephx key as `ceph-authtool --key-type` names it, 'aes' or 'aes256k';
    fails like cephx_key_bytes."""
    dummy, key_type, problem = cephx_key_problem(value, param)
    if problem:
        module.fail_json(msg=problem)
    return key_type


def cephx_key_type_of(value):
    """'aes', 'aes256k', or None for anything else; never fails (for keys read back from Ceph)."""
    return cephx_key_problem(value, 'key')[1] if value is not None else None


def cephx_key_raw(value):
    """The bytes of a base64 key read back from Ceph, whatever its type, or None if it is not base64."""
    try:
        return base64.b64decode(value.strip().encode('ascii'), validate=True)
    except (AttributeError, binascii.Error, ValueError, UnicodeEncodeError):
        return None


def cephx_key_created(value):
    """When a base64 cephx key was made (its header's creation time, seconds since the epoch), or None when
    it is not a key of a known type. Ceph stamps a key with the time it generates it; a key generated
    elsewhere and imported keeps the time its maker wrote."""
    raw, dummy, problem = cephx_key_problem(value, 'key')
    if problem:
        return None
    dummy_type, seconds, nanoseconds, dummy_len = CEPHX_KEY_HEADER.unpack_from(raw)
    return seconds + nanoseconds / 1e9


def new_cephx_key(key_type, now=None):
    """A new base64 cephx key of this type ('aes' or 'aes256k'), made as ceph-authtool --gen-print-key
    makes one: random bytes from the operating system and the current time in its header."""
    code = [c for c, (name, dummy) in CEPHX_KEY_TYPES.items() if name == key_type][0]
    now = time.time() if now is None else now
    header = CEPHX_KEY_HEADER.pack(code, int(now), int((now % 1) * 1e9), CEPHX_KEY_TYPES[code][1])
    return base64.b64encode(header + os.urandom(CEPHX_KEY_TYPES[code][1])).decode('ascii')


_TIME_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?'
                      r'\s*(Z|UTC|[+-]\d{2}:?\d{2})?\Z')


def time_problem(value, param):
    """(seconds since the epoch, None) for a point in time given as a number of seconds since the epoch or
    as ISO 8601 text (2026-12-06T21:00:00Z; no zone means UTC), or (None, why it is refused)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, (int, float)):
        return float(value), None
    found = _TIME_RE.match(value.strip()) if isinstance(value, str) else None
    if isinstance(value, str) and re.match(r'^\d+(\.\d+)?\Z', value.strip()):
        return float(value.strip()), None
    if not found:
        return None, ("%s must be a time, as seconds since the epoch or as ISO 8601 text such as "
                      "2026-12-06T21:00:00Z (no zone means UTC)." % param)
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        seconds = calendar.timegm((int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                   int(second or 0), 0, 0, 0))
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31 and int(hour or 0) < 24 and int(minute or 0) < 60
                and int(second or 0) < 61):
            raise ValueError(value)
    except (ValueError, OverflowError):
        return None, "%s: %s is not a valid date and time." % (param, value.strip())
    if zone and zone not in ('Z', 'UTC'):
        sign = 1 if zone[0] == '+' else -1
        digits = zone[1:].replace(':', '')
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return float(seconds), None


def release_of(version_text):
    """(major, minor, patch) of a package version such as '20.2.4-1', '19.2.6+ds-1' or '2:18.2.7-0.el9', or None."""
    m = _PACKAGE_VERSION_RE.match(version_text or '')
    return tuple(int(x) for x in m.groups()) if m else None


def client_can_use(key_type, release):
    """Whether a Ceph client of this release (major, minor, patch) can use a key of this type."""
    if key_type != 'aes256k':
        return True
    if release[0] >= AES256K_FIRST_MAJOR:
        return True
    minimum = AES256K_CLIENTS.get(release[0])
    return minimum is not None and tuple(release[:3]) >= minimum


def _package_query(runner, tool, args):
    """argv that runs a package tool where runner's commands run (behind its prefix, if any), bounded by
    coreutils' timeout on this host; None when the tool is not here."""
    module = runner.module
    if runner.prefix:
        cmd = runner.prefix + [tool] + args
    else:
        path = module.get_bin_path(tool)
        if not path:
            return None
        cmd = [path] + args
    timeout = module.get_bin_path('timeout')
    if timeout:
        cmd = [timeout, '-k', '5', str(CLIENT_VERSION_TIMEOUT)] + cmd
    return cmd


def client_version(runner):
    """The version of the Ceph client library (librados2) installed where runner's commands run, read from
    the package database (dpkg-query, else rpm): (version text, None), or (None, why it is not known).

    No cluster is contacted and no Ceph program is started: one short query, bounded in time. When several
    architectures of the package are installed, the oldest version counts."""
    queries = (('dpkg-query', ['-W', '--showformat=${Status}\t${Version}\n', CLIENT_LIBRARY]),
               ('rpm', ['-q', '--queryformat', '%{VERSION}-%{RELEASE}\n', CLIENT_LIBRARY]))
    asked = []
    for tool, args in queries:
        cmd = _package_query(runner, tool, args)
        if cmd is None:
            continue
        # No expansion of the arguments: ${Status} and ${Version} are dpkg-query's, not the environment's.
        rc, out, err = runner._execute(cmd, expand_user_and_vars=False)
        if rc == 124:
            return None, '%s did not answer within %d seconds' % (tool, CLIENT_VERSION_TIMEOUT)
        if rc in (126, 127):
            continue  # not found behind the prefix
        if tool == 'dpkg-query':
            found = [line.split('\t', 1)[1].strip() for line in (out or '').splitlines()
                     if '\t' in line and line.split('\t', 1)[0].split()[-1:] == ['installed']]
        else:
            found = [line.strip() for line in (out or '').splitlines() if rc == 0 and release_of(line.strip())]
        if found:
            return min(found, key=lambda v: release_of(v) or (0, 0, 0)), None
        said = ((err or '').strip() or (out or '').strip() or 'exit code %d' % rc).splitlines()[-1]
        asked.append('%s: %s' % (tool, said))
    if not asked:
        return None, 'neither dpkg-query nor rpm is there to ask'
    return None, 'no installed %s found; %s' % (CLIENT_LIBRARY, '; '.join(asked))


def check_client_key_types(module, runner, keys, mode, what='written'):
    """Fail (mode 'fail') or warn (mode 'warn') when this node's Ceph client cannot use a key about to be
    written here; mode 'skip' checks nothing. `keys` lists (label, key type) of the keys about to be
    written, the label naming the item and its user. The client's version is read only when one of them
    is of a type that older clients cannot use (aes256k), once for all of them.

    A version that cannot be read (the library not installed yet, no package database) fails a real run
    in mode 'fail'; in check mode it is a warning, as an earlier task of the play may install it."""
    labels = [label for label, key_type in keys if key_type == 'aes256k']
    if mode == 'skip' or not labels:
        return
    node = platform.node() or 'this node'
    if runner.prefix:
        node = "%s (through '%s')" % (node, ' '.join(runner.prefix))
    version, reason = client_version(runner)
    release = release_of(version)
    if version is not None and release is not None and client_can_use('aes256k', release):
        return
    keys_text = '; '.join(labels)
    if version is None or release is None:
        found = reason if version is None else '%s %r gives no release number' % (CLIENT_LIBRARY, version)
        msg = ("Node %s: the Ceph client's version could not be found (%s), so whether it can use keys of type "
               "aes256k (%s) is unknown: %s." % (node, found, AES256K_CLIENTS_TEXT, keys_text))
        if mode == 'fail' and not module.check_mode:
            module.fail_json(msg=msg + " Nothing was %s. Install the Ceph client (ceph-common or %s) first, or set "
                                       "key_type_check=warn or skip if the keys' users run elsewhere (in containers)."
                             % (what, CLIENT_LIBRARY))
        module.warn(msg + (" Check mode goes on, as if an earlier task of the play installed it; a real run fails "
                           "here unless one does." if mode == 'fail' else " Going on (key_type_check=warn)."))
        return
    msg = ("Node %s: its Ceph client (%s %s) cannot use keys of type aes256k, which need %s: %s."
           % (node, CLIENT_LIBRARY, version, AES256K_CLIENTS_TEXT, keys_text))
    if mode == 'fail':
        module.fail_json(msg=msg + " Nothing was %s. Upgrade the Ceph client packages on this node, give these users "
                                   "keys of type aes ('ceph-authtool --gen-print-key --key-type aes', imported with "
                                   "ceph_key's secret), or set key_type_check=warn to go on regardless." % what)
    module.warn(msg + " Going on (key_type_check=warn): this node's services cannot authenticate with them.")


def check_uuid(module, value, param):
    if not isinstance(value, str) or not UUID_RE.match(value):
        module.fail_json(msg="%s must be a UUID such as 457eb676-33da-42ec-9a8c-9293d545c337, got %r."
                         % (param, value))
    return value.lower()


def describe(tool, args, limit=3):
    """'ceph osd pool set' for an error message: the tool and up to `limit` words of its subcommand
    (a larger limit also names the object: 'ceph osd pool set images size')."""
    words = []
    for a in args:
        a = str(a)
        if a.startswith('-') or len(words) == limit:
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
        """Run tool with args; data (a secret, a keyring, XML) goes on stdin and nowhere else.

        A step that printed a timeout but exited 0 (rbd pool init does, with an OSD not answering)
        failed: it is never passed off as success."""
        cmd = self.argv(tool, args)
        rc, out, err = self._execute(cmd, data)
        if rc != 0 and check_rc:
            self.fail(cmd, rc, out, err, what or describe(tool, args))
        return rc, out, err

    def _execute(self, cmd, data=None, **extra):
        rc, out, err = self.module.run_command(
            cmd, data=data, binary_data=True, environ_update=LOCALE_ENV, check_rc=False, **extra)
        if rc == 0 and err and _SILENT_TIMEOUT_RE.search(err):
            rc = 110
        return rc, out, err

    def run_concurrently(self, sequences, limit):
        """Run independent sequences of calls at the same time, at most `limit` sequences at once.

        Each sequence is a list of (tool, args) calls, run in order, each once the one before it
        succeeded. Returns, per sequence, the list of the (rc, out, err) of its calls that ran, or
        None for a sequence that never started: a sequence stops at its first failed call (rc != 0,
        the rc-0 timeouts that run() fails counted as rc 110), whose outcome ends its list, and
        once a call has failed no further sequence starts (those already running go on to their
        end or their own failure). A call that could not be started at all is rc 257 with the
        reason as stderr. Nothing here fails the module: the caller sees every outcome.

        Calls go through module.run_command, which ansible-core 2.16 and later can run from
        several threads: each call gets its own copy of the environment (os.environ is not
        changed), and with handle_exceptions=False it raises instead of exiting from the thread."""
        results = [None] * len(sequences)
        lock = threading.Lock()
        state = dict(next=0, failed=False)

        def worker():
            while True:
                with lock:
                    if state['failed'] or state['next'] >= len(sequences):
                        return
                    index = state['next']
                    state['next'] += 1
                    results[index] = done = []
                for tool, args in sequences[index]:
                    try:
                        outcome = self._execute(self.argv(tool, args), handle_exceptions=False)
                    except Exception as e:  # pylint: disable=broad-except
                        outcome = (257, '', 'could not run %s: %s' % (describe(tool, args), e))
                    done.append(outcome)
                    if outcome[0] != 0:
                        with lock:
                            state['failed'] = True
                        break

        if len(sequences) <= 1 or limit <= 1:
            worker()
            return results
        threads = [threading.Thread(target=worker) for dummy in range(min(limit, len(sequences)))]
        for thread in threads:
            thread.daemon = True
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def run_json(self, tool, args, check_rc=True, what=None):
        rc, out, err = self.run(tool, list(args) + ['--format', 'json'], check_rc=check_rc, what=what)
        if rc != 0:
            return rc, None, err
        try:
            return rc, loads_lenient(out) if out.strip() else None, err
        except ValueError:
            self.module.fail_json(msg="%s: could not parse its JSON output" % (what or describe(tool, args)),
                                  cmd=self.argv(tool, args), rc=rc, stderr=err)

    def unreachable_hint(self, rc, err):
        return None

    def failure(self, cmd, rc, out, err, what):
        """The fail_json arguments for a failed call: msg says which step failed and why."""
        msg = "%s failed" % what
        hint = self.unreachable_hint(rc, err)
        if hint:
            msg = "%s: %s" % (msg, hint)
        else:
            last = (err or out or '').strip().splitlines()
            if last:
                msg = "%s: %s" % (msg, last[-1])
        return dict(msg=msg, cmd=cmd, rc=rc, stdout=out, stderr=err)

    def fail(self, cmd, rc, out, err, what):
        self.module.fail_json(**self.failure(cmd, rc, out, err, what))


def client_id(user):
    """The ID of a client entity: 'client.glance' and 'glance' both give 'glance'."""
    return user[len('client.'):] if user.startswith('client.') else user


def connection_problem(p):
    """What is wrong with the connection options of CEPH_CLIENT_ARGUMENT_SPEC, or None."""
    if not isinstance(p['cluster'], str) or not CLUSTER_RE.match(p['cluster']):
        return ("cluster %r is not a valid Ceph cluster name: a letter, then letters, digits, '_' or '-', "
                "at most 64 characters (it names /etc/ceph/<cluster>.conf)." % (p['cluster'],))
    if not isinstance(p['user'], str) or not ENTITY_ID_RE.match(client_id(p['user'])):
        return ("user %r is not a valid cephx user: give the ID (admin) or client.ID, with letters, digits, "
                "'_', '-' and '.'." % (p['user'],))
    for key in ('conf', 'keyring'):
        problem = control_problem(p.get(key), key)
        if problem:
            return problem
    for index, word in enumerate(p.get('cli_prefix') or []):
        problem = control_problem(word, 'cli_prefix[%d]' % index)
        if problem:
            return problem
    if p['connect_timeout'] < 1 or p['connect_timeout'] > 3600:
        return "connect_timeout must be between 1 and 3600 seconds, got %d." % p['connect_timeout']
    return None


class CephCLI(CLIRunner):
    """Runner for the ceph and rbd tools, with the connection options of CEPH_CLIENT_ARGUMENT_SPEC."""

    def __init__(self, module):
        p = module.params
        problem = connection_problem(p)
        if problem:
            module.fail_json(msg=problem)
        super(CephCLI, self).__init__(module, p.get('cli_prefix'))
        self.timeout = p['connect_timeout']
        user = self.user_id = client_id(p['user'])
        common = ['--cluster', p['cluster']]
        if p.get('conf'):
            common += ['--conf', p['conf']]
        common += ['--id', user]
        if p.get('keyring'):
            common += ['--keyring', p['keyring']]
        self._ceph_common = common

    def common_args(self, tool):
        # --connect-timeout bounds only the connection: once connected, a monitor that stops
        # answering would block a command until it came back. rados_mon_op_timeout bounds each
        # request to the monitors as well, so every call ends within about connect_timeout.
        if tool == 'ceph':
            return self._ceph_common + ['--connect-timeout', str(self.timeout),
                                        '--rados_mon_op_timeout', str(self.timeout)]
        # rbd is a C++ tool: the same bound is its client_mount_timeout, and each request to a monitor
        # or an OSD gets it too, so a pool whose placement groups are not active (rbd children and
        # snap unprotect scan every pool) fails the call instead of blocking the play forever.
        # Every rbd step the modules take can be run again after such a failure.
        return self._ceph_common + ['--client_mount_timeout', str(self.timeout),
                                    '--rados_mon_op_timeout', str(self.timeout),
                                    '--rados_osd_op_timeout', str(self.timeout)]

    def unreachable_hint(self, rc, err):
        err = err or ''
        if rc != 110 and not any(m in err for m in _TIMEOUT_MARKERS):
            return None
        again = "nothing after this step ran; run the task again once the cluster answers and it completes the work"
        if 'monclient' in err or "couldn't connect" in err or err.strip() == 'timed out' or 'error connecting' in err:
            return ("could not reach the Ceph monitors within connect_timeout=%ds (are they running and in "
                    "quorum? check conf, mon_host, the network and the client keyring); %s" % (self.timeout, again))
        return ("the monitors or OSDs did not answer within connect_timeout=%ds (are they running, and are the "
                "placement groups of the pools involved active? see 'ceph health detail'); %s" % (self.timeout, again))

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
