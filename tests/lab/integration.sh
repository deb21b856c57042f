#!/usr/bin/env bash
# The module integration tests (tests/integration) in one container per Debian suite, so the same
# test code runs against each suite's Ceph release, CLIs, libvirt and Python:
#
#   integration.sh SUITE... [-- PYTEST-ARGS]     e.g. integration.sh bookworm trixie forky
#
# The suites run one after the other or, with OSC_IT_PARALLEL=1, side by side. Each suite's
# output goes to .build/integration-<suite>.log, each test's time to .build/integration-<suite>.xml
# (JUnit), and its result and versions to the support matrix's records (tests/lab/support_matrix.py)
# unless PYTEST-ARGS chose part of the tests.
# Exit status: 0 only when every suite passed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
suites=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do suites+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
pytest_args=("$@")
[ ${#suites[@]} -gt 0 ] || { echo "usage: $0 SUITE... [-- PYTEST-ARGS]" >&2; exit 2; }
py=$root/.venv/bin/python
# The collections the tests use besides this one (ansible.posix's json callback,
# community.general's ini_file) come from the checkout's venv, the same for every suite.
host_collections=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections
[ -d "$host_collections" ] || { echo "integration: no $host_collections (run make venv)" >&2; exit 2; }
mkdir -p "$root/.build"

run_suite() {
  local suite=$1 tag log start rc
  log=$root/.build/integration-$suite.log
  tag=$("$root/tests/lab/build-images.sh" "$suite" tester | sed -n 's/^LAB_TESTER_IMAGE=//p')
  start=$(date +%s)
  set +e
  # SYS_ADMIN, seccomp and AppArmor unconfined: the libvirtd sandbox binds its own directories
  # over /etc/libvirt and /run/libvirt in a private mount namespace.
  docker run --rm --init --name "osc-it-$suite" --network host --cap-add SYS_ADMIN \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    -v "$root:$root" -v "$host_collections:/opt/host-collections/ansible_collections:ro" -w "$root" \
    -e ANSIBLE_NOCOLOR=1 -e PYTHONDONTWRITEBYTECODE=1 \
    "$tag" sh -c 'echo "== versions: ceph $(ceph --version | cut -d" " -f3), libvirt $(libvirtd --version | cut -d" " -f3), python $(python3 -c "import platform; print(platform.python_version())"), ansible-core $(python -c "from ansible.release import __version__ as v; print(v)")"; exec python -m pytest tests/integration -p no:cacheprovider "$@"' \
    pytest --junit-xml="$root/.build/integration-$suite.xml" "${pytest_args[@]}" > "$log" 2>&1
  rc=$?
  set -e
  echo "integration on $suite: rc $rc in $(( $(date +%s) - start )) s ($(tail -1 "$log" | tr -d '='))"
  # Only a whole run is a record: one with PYTEST-ARGS may have left tests out.
  if [ ${#pytest_args[@]} -eq 0 ]; then
    "$py" "$root/tests/lab/support_matrix.py" record-integration "$suite" "$tag" "$rc" "$log" || true
  fi
  return $rc
}

status=0
if [ "${OSC_IT_PARALLEL:-0}" = 1 ]; then
  pids=()
  for s in "${suites[@]}"; do run_suite "$s" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
else
  for s in "${suites[@]}"; do run_suite "$s" || status=1; done
fi
"$py" "$root/tests/lab/support_matrix.py" render
exit $status
