# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The support matrix, written by the test runs: each run records what it ran (versions read from
the images and the tools themselves, the date, the commit) and how it ended, in
docs/support-matrix.json; `render` turns the records into docs/support-matrix.md.

  support_matrix.py record-integration SUITE IMAGE RC LOG   the module tests in SUITE's tester image
  support_matrix.py record-openstack SUITE ENVFILE RC LOG   the OpenStack scenario on SUITE's lab
  support_matrix.py render
"""

import datetime
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
RECORDS = os.path.join(ROOT, 'docs', 'support-matrix.json')
PAGE = os.path.join(ROOT, 'docs', 'support-matrix.md')
SUITES = {'bookworm': 'Debian 12 bookworm', 'trixie': 'Debian 13 trixie', 'forky': 'Debian forky (testing)'}
COLUMNS = ('ceph', 'glance', 'cinder', 'nova', 'libvirt', 'qemu', 'python', 'ansible_core')
HEADERS = ('Ceph', 'Glance', 'Cinder', 'Nova', 'libvirt', 'QEMU', 'Python', 'ansible-core')


def load():
    if os.path.exists(RECORDS):
        with open(RECORDS) as f:
            return json.load(f)
    return {}


def save(records):
    with open(RECORDS, 'w') as f:
        json.dump(records, f, indent=2, sort_keys=True)
        f.write('\n')


def commit():
    head = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], capture_output=True, text=True,
                          check=False).stdout.strip() or 'unknown'
    dirty = subprocess.run(['git', '-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'plugins', 'roles',
                            'playbooks', 'molecule', 'tests', 'Makefile'],
                           capture_output=True, text=True, check=False).stdout.strip()
    return head + ('+changes' if dirty else '')


def upstream(version):
    """'2:30.0.0-3+deb13u5' -> '30.0.0'; '18.2.7+ds-1+deb13u1' -> '18.2.7'."""
    if not version:
        return None
    version = version.split(':', 1)[-1]
    return re.split(r'[-+~]', version, maxsplit=1)[0]


def package_versions(image, packages):
    """The installed version of each package in the image, read with dpkg-query in a throwaway container."""
    fmt = '${Package} ${Version}\\n'
    proc = subprocess.run(['docker', 'run', '--rm', '--entrypoint', 'dpkg-query', image, '-W', '-f', fmt] + list(packages),
                          capture_output=True, text=True, timeout=120, check=False)
    found = {}
    for line in proc.stdout.splitlines():
        name, dummy, version = line.partition(' ')
        if version:
            found[name] = upstream(version)
    return found


def full_name(name):
    """A test's whole name, where molecule's log wrapped it: the one test function it begins."""
    found = set()
    for tests in ('tests/integration', 'molecule/default/tests'):
        folder = os.path.join(ROOT, tests)
        for path in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if path.endswith('.py'):
                with open(os.path.join(folder, path), errors='replace') as f:
                    found.update(re.findall(r'^def (%s\w*)\(' % re.escape(name), f.read(), re.M))
    return found.pop() if len(found) == 1 else name


def outcome(rc, log):
    """'pass', or what failed, from the end of a run's log."""
    try:
        with open(log, errors='replace') as f:
            text = f.read()
    except OSError:
        text = ''
    if int(rc) == 0:
        return 'pass'
    # molecule's log: colours, and its output boxed in '│' and wrapped ('FAILED' on a line of its own).
    text = re.sub(r'\x1b\[[0-9;]*m', '', text)
    text = re.sub(r'^\s*│ ?', '', text, flags=re.M)
    failed = sorted(set(re.findall(r'^(?:FAILED|ERROR)\s+(\S+::\S+)', text, re.M)))
    if failed:
        names = [full_name(f.split('::')[-1]) for f in failed]
        more = ' and %d more' % (len(names) - 5) if len(names) > 5 else ''
        return 'fail: %s%s' % (', '.join(names[:5]), more)
    steps = r'\b(create|prepare|check|converge|idempotence|side_effect|verify|destroy)\b'
    # The step molecule says failed (the later destroy and cleanup run anyway), else the last one started.
    actions = re.findall(steps + r': Executed: Failed', text) or re.findall(steps + r'.*(?:Executing|Starting)', text)
    step = ' in molecule %s' % (actions[0] if 'Executed: Failed' in text and actions else actions[-1]) if actions else ''
    # Ansible's first error says what failed; else the log's last line.
    error = re.search(r'^\[ERROR\]: (.+(?:\n(?!\s*$).+)*)', text, re.M)
    last = ([' '.join(error.group(1).split())] if error
            else [line for line in text.splitlines() if line.strip()][-1:] or ['no output'])
    return 'fail%s: %s' % (step, last[0][:200])


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')


def record_integration(suite, image, rc, log):
    versions = {}
    with open(log, errors='replace') as f:
        for line in f:
            if line.startswith('== versions:'):
                versions = dict(re.findall(r'(ceph|libvirt|python|ansible-core) (\S+?)(?:,|$)', line.strip()))
                break
    records = load()
    records['modules-%s' % suite] = dict(
        kind='modules', suite=suite, image=image, date=now(), commit=commit(), result=outcome(rc, log),
        ceph=versions.get('ceph'), libvirt=versions.get('libvirt'), python=versions.get('python'),
        ansible_core=versions.get('ansible-core'))
    save(records)


def record_openstack(suite, envfile, rc, log):
    images = {}
    with open(envfile) as f:
        for line in f:
            name, dummy, tag = line.strip().partition('=')
            images[name] = tag
    ceph = package_versions(images['LAB_CEPH_IMAGE'], ['ceph-common'])
    controller = package_versions(images['LAB_CONTROLLER_IMAGE'], ['glance-api', 'cinder-volume', 'python3'])
    compute = package_versions(images['LAB_COMPUTE_IMAGE'], ['nova-compute', 'libvirt-daemon', 'qemu-system-x86'])
    from ansible.release import __version__ as core  # the ansible-core that ran the scenario
    records = load()
    records['openstack-%s' % suite] = dict(
        kind='openstack', suite=suite, date=now(), commit=commit(), result=outcome(rc, log),
        ceph=ceph.get('ceph-common'), glance=controller.get('glance-api'), cinder=controller.get('cinder-volume'),
        nova=compute.get('nova-compute'), libvirt=compute.get('libvirt-daemon'), qemu=compute.get('qemu-system-x86'),
        python=controller.get('python3'), ansible_core=core)
    save(records)


def render():
    records = load()
    order = [('openstack', s) for s in SUITES] + [('modules', s) for s in SUITES]
    lines = [
        '<!-- Written by tests/lab/support_matrix.py from docs/support-matrix.json: every row is a',
        '     test run\'s own record. Do not edit by hand; run the tests (make test, make matrix). -->',
        '# Support matrix', '',
        'Each row is the last run of one scenario: the versions it ran (read from the images and tools',
        'themselves), when, at which commit, and how it ended. `make test` runs the OpenStack scenario on',
        'trixie and the module tests on all three suites; `make matrix` runs the OpenStack scenario on',
        'every suite. A `+changes` commit had uncommitted changes to the code or tests.', '',
        '| scenario | suite | result | %s | date | commit |' % ' | '.join(HEADERS),
        '| --- | --- | --- | %s | --- | --- |' % ' | '.join(['---'] * len(HEADERS)),
    ]
    for kind, suite in order:
        rec = records.get('%s-%s' % (kind, suite))
        if not rec:
            continue
        what = 'OpenStack scenario (molecule)' if kind == 'openstack' else 'module integration tests'
        cells = [rec.get(c) or '–' for c in COLUMNS]
        result = rec['result'].replace('|', '\\|')
        row = (what, SUITES[suite], result, ' | '.join(cells), rec['date'], rec['commit'])
        lines.append('| %s | %s | %s | %s | %s | `%s` |' % row)
    notes = os.path.join(ROOT, 'docs', 'support-matrix-notes.md')
    if os.path.exists(notes):
        with open(notes) as f:
            lines += ['', f.read().rstrip()]
    with open(PAGE, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main(argv):
    if argv[:1] == ['record-integration'] and len(argv) == 5:
        record_integration(*argv[1:])
    elif argv[:1] == ['record-openstack'] and len(argv) == 5:
        record_openstack(*argv[1:])
    elif argv == ['render']:
        pass
    else:
        sys.exit(__doc__)
    render()


if __name__ == '__main__':
    main(sys.argv[1:])
