# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake CLI for module unit tests.

FakeCLI answers run_command by matching the argv (after the binary and the connection options)
against registered prefixes, records every call, and fails the test if any registered secret
ever appears in an argv.
"""

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as warnings_module
from ansible.module_utils.common.warnings import get_warning_messages

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    import contextlib

    @contextlib.contextmanager
    def patch_module_args(args):
        from ansible.module_utils.common.text.converters import to_bytes
        old = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = old


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result)
        self.result = result
        self.failed = failed


# Everything up to and including these options is the connection part of an argv.
_CONNECTION_OPTS = ('--cluster', '--conf', '--id', '--name', '--keyring', '--connect-timeout', '--client_mount_timeout',
                    '--rados_osd_op_timeout', '--rados_mon_op_timeout', '--connect')


# Package queries (the Ceph client's version) keep their tool's name: 'dpkg-query -W ...'.
_PACKAGE_TOOLS = ('dpkg-query', 'rpm')


def command_words(argv):
    """argv without the binary and the connection options: what the test registers answers for."""
    tools = [i for i, a in enumerate(argv) if a.rsplit('/', 1)[-1] in ('ceph', 'rbd', 'virsh') + _PACKAGE_TOOLS]
    if argv[tools[0]].rsplit('/', 1)[-1] in _PACKAGE_TOOLS:
        return [argv[tools[0]].rsplit('/', 1)[-1]] + list(argv[tools[0] + 1:])
    words = list(argv[tools[0] + 1:])
    out = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in _CONNECTION_OPTS:
            skip = True
            continue
        if word == '--quiet':
            continue
        out.append(word)
    return out


class FakeCLI(object):
    def __init__(self):
        self.answers = []
        self.calls = []
        self.secrets = []

    def on(self, words, rc=0, out='', err=''):
        """Answer commands starting with `words` (a list, or a string split on spaces).
        `out` is text, or data sent as JSON, or a callable returning that data at call time."""
        if isinstance(words, str):
            words = words.split(' ')
        if not isinstance(out, str) and not callable(out):
            out = json.dumps(out)
        self.answers.insert(0, (list(words), rc, out, err))
        return self

    def run_command(self, argv, data=None, **kwargs):
        assert isinstance(argv, list), 'commands must be argv lists, never shell strings'
        for secret in self.secrets:
            assert all(secret not in str(a) for a in argv), 'a secret reached argv: %r' % (argv,)
        words = command_words(argv)
        self.calls.append(dict(argv=argv, words=words, data=data))
        # The longest registered prefix wins, so 'osd pool' does not shadow 'osd pool ls detail'.
        for prefix, rc, out, err in sorted(self.answers, key=lambda a: -len(a[0])):
            if words[:len(prefix)] == prefix:
                # A callable answer sees the calls so far (a read after a write sees the write).
                return rc, json.dumps(out()) if callable(out) else out, err
        raise AssertionError('unexpected command: %r' % (words,))

    def called(self, words):
        if isinstance(words, str):
            words = words.split(' ')
        return [c for c in self.calls if c['words'][:len(words)] == words]


@pytest.fixture
def fake_cli(monkeypatch):
    fake = FakeCLI()
    # Warnings are module-global in ansible-core: start every test with none.
    warnings_module._global_warnings.clear()
    # Modules run on the target. Once controller code is imported in the same process (a filter
    # plugin's tests, under plain pytest), ansible-core 2.19 would send module warnings to the
    # controller's display instead of the result; ansible-test keeps the two apart by itself.
    try:
        from ansible.module_utils import _internal
    except ImportError:  # ansible-core < 2.19
        _internal = None
    if _internal is not None:
        monkeypatch.setattr(_internal, 'is_controller', False)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, argv, **kw: fake.run_command(argv, **kw))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None: '/usr/bin/' + name)

    def exit_json(self, **kwargs):
        kwargs['warnings'] = list(get_warning_messages())
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, msg, **kwargs):
        kwargs['msg'] = msg
        raise ModuleExit(kwargs, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    return fake


@pytest.fixture
def run(fake_cli):
    """run(module, args, check=False) -> (result, failed)"""
    def _run(module, args, check=False):
        args = dict(args)
        if check:
            args['_ansible_check_mode'] = True
        args.setdefault('_ansible_diff', True)
        with patch_module_args(args):
            with pytest.raises(ModuleExit) as exc:
                module.main()
        return exc.value.result, exc.value.failed
    return _run
