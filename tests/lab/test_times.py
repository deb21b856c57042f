# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each test file's time in the last make test, from the JUnit files its suites wrote:

    test_times.py [BUILD_DIR]

.build/integration-SUITE.xml (tests/lab/integration.sh) and .build/molecule-SCENARIO.xml (molecule's
verifier). A test case's time in JUnit is its setup, call and teardown together, so a module fixture's
time is in the first test that uses it. The integration suites run side by side, so there a file's time
is its longest over the suites. The last line sums the day-2 tests (key rotation and the drift audit)
of the integration suites and of the default scenario, the one make test runs."""

import glob
import os
import sys
from xml.etree import ElementTree

DAY2 = ('tests/integration/test_rotation.py', 'molecule/default/tests/test_rotate.py',
        'molecule/default/tests/test_rotation_impact.py', 'molecule/default/tests/test_audit.py')
SHOWN = 15


def file_of(classname):
    """A case's file from its classname: the dotted module path, with the class if the test is a method."""
    parts = classname.split('.')
    while parts and parts[-1][:1].isupper():
        parts.pop()
    name = '/'.join(parts) + '.py'
    # The verifier's path, when pytest took the scenario's directory as its root.
    return 'molecule/default/' + name if name.startswith('tests/test_') else name


def times(build):
    """{(run, test file): seconds}; run is 'integration' (the longest suite) or 'molecule-SCENARIO'."""
    out = {}
    for path in sorted(glob.glob(os.path.join(build, 'integration-*.xml')) + glob.glob(os.path.join(build, 'molecule-*.xml'))):
        run = os.path.basename(path)[:-4]
        run = 'integration' if run.startswith('integration-') else run
        files = {}
        for case in ElementTree.parse(path).getroot().iter('testcase'):
            name = file_of(case.get('classname', ''))
            files[name] = files.get(name, 0.0) + float(case.get('time') or 0)
        for name, seconds in files.items():
            out[(run, name)] = max(out.get((run, name), 0.0), seconds)
    return out


def main(build):
    found = times(build)
    if not found:
        print('test times: no JUnit file in %s' % build)
        return 0
    print('test times, the slowest files (from the JUnit files in %s):' % build)
    for (run, name), seconds in sorted(found.items(), key=lambda item: -item[1])[:SHOWN]:
        print('%7.0f s  %-20s %s' % (seconds, run, name))
    day2 = dict(((run, name), seconds) for (run, name), seconds in found.items()
                if name in DAY2 and run in ('integration', 'molecule-default'))
    total = sum(day2.values())
    print('test times: the rotation and audit tests took %.0f s (%.1f min): %s' % (
        total, total / 60, ', '.join('%s %.0f s' % (os.path.basename(n), s) for (r, n), s in sorted(day2.items()))))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '.build')))
