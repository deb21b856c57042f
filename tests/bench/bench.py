# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench: what playbooks/site.yml costs on the lab, and how that grows.

Runs against the running lab (make lab-up) and writes docs/bench/results.json and
docs/bench/scaling.png, then prints a table. docs/bench/README.md says how to read them.

    .venv/bin/python tests/bench/bench.py     # through make bench, which installs what it needs

Measured, each BENCH_REPS times (default 3; the median is reported):
  - site.yml on the converged lab (warm): wall time, changed count, the controller's peak memory
    (ru_maxrss of the ansible-playbook process and everything it waited for), and the ceph, rbd and
    virsh processes started in the lab's containers, per module and per module invocation. The
    first run on a freshly started lab is recorded once as the cold run.
  - tests/bench/runbook.yml, the manual runbook as plain commands, on the same lab.
  - site.yml with more pools, more cephx users and more compute nodes (extra containers).
The ceph/rbd/virsh processes are counted by tests/bench/cli-shim.sh, installed for the time of the
benchmark as /usr/local/bin/{ceph,rbd,virsh} in every lab container and removed afterwards; bench
pools, users and containers are removed too, so the lab is left as it was found.

BENCH_QUICK=1: scaling points 4,16 pools / 3,12 users / 1,4 computes and one repetition.
"""

import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / 'docs' / 'bench'
WORK = ROOT / '.build' / 'bench'
LAB_INVENTORY = ROOT / 'inventories' / 'lab'
SITE = ROOT / 'playbooks' / 'site.yml'
RUNBOOK = ROOT / 'tests' / 'bench' / 'runbook.yml'
SHIM = ROOT / 'tests' / 'bench' / 'cli-shim.sh'
ANSIBLE_PLAYBOOK = str(Path(sys.executable).parent / 'ansible-playbook')

CEPH_HOST = 'osc-lab-ceph'
COMPUTE_HOST = 'osc-lab-compute'
LAB = [CEPH_HOST, 'osc-lab-controller', COMPUTE_HOST]
CLIS = ('ceph', 'rbd', 'virsh')
CLI_LOG = '/var/log/osc-bench-cli.log'
SHIM_MARK = 'osc-bench-cli-shim'
FORKS = 10

QUICK = os.environ.get('BENCH_QUICK', '') == '1'
# Pipelining (one connection round trip per module instead of several) is how deployments run
# Ansible: on by default. The CLI shims cannot tell which module started a CLI under pipelining
# (the module comes on stdin), so one extra warm run without it gives the by-module attribution.
PIPELINING = os.environ.get('BENCH_PIPELINING', '1') != '0'
REPS = 1 if QUICK else int(os.environ.get('BENCH_REPS', '3'))
POINTS = {
    'pools': [4, 16] if QUICK else [4, 16, 64],
    'users': [3, 12] if QUICK else [3, 12, 48],
    'computes': [1, 4] if QUICK else [1, 4, 8],
}
# What the lab's declaration gives its first cluster, ceph (backups and client.cinder-backup are on dr):
# the pools and users scaling adds to.
DEFAULT_POOLS = ['images', 'volumes', 'vms']
DEFAULT_USERS = 2


class BenchError(Exception):
    pass


def log(msg):
    print('[bench %s] %s' % (time.strftime('%H:%M:%S'), msg), flush=True)


def sh(argv, check=True, stdin=None, timeout=600):
    """Run a local command; its output as text."""
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
    if check and p.returncode != 0:
        raise BenchError('%s failed (rc %d): %s' % (' '.join(argv[:4]), p.returncode, (p.stderr or p.stdout).strip()[-2000:]))
    return p


def dexec(container, script, check=True, stdin=None, timeout=600):
    """A shell script inside a lab container (never through the shims: /usr/bin/ceph is called by path)."""
    return sh(['docker', 'exec', '-i', container, 'sh', '-c', script], check=check, stdin=stdin, timeout=timeout)


# ---- the lab ----------------------------------------------------------------------------------

def check_lab():
    try:
        p = sh(['docker', 'inspect', '-f', '{{.Name}} {{.State.Running}}'] + LAB, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BenchError('docker does not answer (%s): run make lab-up first' % e) from e
    running = [line.split()[0].lstrip('/') for line in p.stdout.splitlines() if line.endswith(' true')]
    missing = [c for c in LAB if c not in running]
    if missing:
        raise BenchError('the lab is not running (%s not up): run make lab-up first' % ', '.join(missing))
    # The cluster must answer too (lab-up bootstraps it).
    if dexec(CEPH_HOST, '/usr/bin/ceph --connect-timeout 20 health', check=False, timeout=60).returncode != 0:
        raise BenchError('the lab\'s Ceph cluster does not answer: run make lab-down && make lab-up')


def machine_facts():
    from ansible.release import __version__ as core_version
    mem_kib = int(next(line.split()[1] for line in open('/proc/meminfo') if line.startswith('MemTotal:')))
    docker = sh(['docker', 'version', '--format', '{{.Server.Version}}'], check=False).stdout.strip()
    ceph = dexec(CEPH_HOST, '/usr/bin/ceph --version', check=False).stdout.strip()
    libvirt = dexec(COMPUTE_HOST, '/usr/bin/virsh --version', check=False).stdout.strip()
    return {
        'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'nproc': os.cpu_count(),
        'memory_gib': round(mem_kib / 1024 / 1024, 1),
        'kernel': platform.release(),
        'os': platform.platform(),
        'python': platform.python_version(),
        'docker': docker,
        'ansible_core': core_version,
        'ceph_in_lab': ceph,
        'libvirt_in_lab': libvirt,
    }


# ---- the CLI shims ----------------------------------------------------------------------------

INSTALL_SHIMS = r'''
set -e
shim=$(cat)
for n in ceph rbd virsh; do
  [ -x /usr/bin/$n ] || continue
  if [ -e /usr/local/bin/$n ] && ! grep -q %(mark)s /usr/local/bin/$n; then
    echo "/usr/local/bin/$n exists and is not the bench's shim" >&2; exit 3
  fi
  printf '%%s\n' "$shim" > /usr/local/bin/$n.new && chmod 0755 /usr/local/bin/$n.new && mv /usr/local/bin/$n.new /usr/local/bin/$n
  [ "$(command -v $n)" = /usr/local/bin/$n ] || { echo "$n does not resolve to the shim: PATH=$PATH" >&2; exit 4; }
  echo $n
done
touch %(log)s
''' % {'mark': SHIM_MARK, 'log': CLI_LOG}

REMOVE_SHIMS = r'''
for n in ceph rbd virsh; do
  if grep -q %(mark)s /usr/local/bin/$n 2>/dev/null; then rm -f /usr/local/bin/$n; fi
done
rm -f %(log)s
''' % {'mark': SHIM_MARK, 'log': CLI_LOG}


def install_shims(containers):
    """The shim for each of ceph, rbd, virsh that the container has at /usr/bin; which ones, by container."""
    text = SHIM.read_text()
    return {c: dexec(c, INSTALL_SHIMS, stdin=text).stdout.split() for c in containers}


def remove_shims(containers):
    for c in containers:
        dexec(c, REMOVE_SHIMS, check=False)


def clear_cli_logs(containers):
    for c in containers:
        dexec(c, ': > %s' % CLI_LOG)


def read_cli_logs(containers):
    """[(container, binary, module)] for every call the shims saw since the last clear."""
    calls = []
    for c in containers:
        for line in dexec(c, 'cat %s 2>/dev/null || true' % CLI_LOG).stdout.splitlines():
            parts = line.split()
            if len(parts) == 2:
                calls.append((c, parts[0], parts[1]))
    return calls


# ---- one ansible-playbook run -----------------------------------------------------------------

def module_name(action):
    """ansible.builtin.shell -> command (the shell action runs the command module), FQCN -> short name."""
    name = (action or '?').split('.')[-1]
    return 'command' if name == 'shell' else name


def count_invocations(report):
    """Module invocations by module: one per host result, or one per loop item that was not skipped."""
    counts = Counter()
    for play in report.get('plays', []):
        for task in play.get('tasks', []):
            for res in task.get('hosts', {}).values():
                if res.get('skipped'):
                    continue
                items = res.get('results')
                n = sum(1 for r in items if not (isinstance(r, dict) and r.get('skipped'))) if isinstance(items, list) else 1
                counts[module_name(res.get('action'))] += n
    return dict(sorted(counts.items()))


# Actions that run on the controller only: they cost no module run on the node.
CONTROLLER_ACTIONS = {'assert', 'set_fact', 'debug', 'group_by', 'fail', 'meta', 'include_role', 'include_tasks',
                      'include_vars', 'import_role', 'import_tasks', 'validate_argument_spec', 'add_host'}


def modules_by_host(report):
    """Modules that executed on each host: one per host result (or per loop item that ran), leaving out
    controller-side actions and tasks delegated to another host (their module ran there)."""
    counts = Counter()
    for play in report.get('plays', []):
        for task in play.get('tasks', []):
            for host, res in task.get('hosts', {}).items():
                if res.get('skipped') or module_name(res.get('action')) in CONTROLLER_ACTIONS:
                    continue
                items = res.get('results') if isinstance(res.get('results'), list) else [res]
                for item in items:
                    if not isinstance(item, dict) or item.get('skipped'):
                        continue
                    delegated = (item.get('_ansible_delegated_vars') or {}).get('ansible_host')
                    if delegated and delegated != host:
                        continue
                    counts[host] += 1
    return dict(sorted(counts.items()))


def seconds_by_module(report):
    """Wall time of the tasks, summed by the task's module (a task's time spans all its hosts and items)."""
    def when(stamp):
        return datetime.datetime.fromisoformat(stamp.rstrip('Z'))

    secs = Counter()
    for play in report.get('plays', []):
        for task in play.get('tasks', []):
            span, results = task['task']['duration'], list(task.get('hosts', {}).values())
            if results and 'end' in span:
                secs[module_name(results[0].get('action'))] += (when(span['end']) - when(span['start'])).total_seconds()
    return {m: round(v, 2) for m, v in sorted(secs.items())}


def failures(report):
    """'task on host: msg' for failed results (messages only: no_log results carry none)."""
    out = []
    for play in report.get('plays', []):
        for task in play.get('tasks', []):
            for host, res in task.get('hosts', {}).items():
                if res.get('failed') or res.get('unreachable'):
                    msg = res.get('msg') or res.get('censored') or ''
                    out.append('%s on %s: %s' % (task['task']['name'], host, str(msg)[:300]))
    return out


def run_playbook(label, playbook, inventory, containers, extra_vars=None, pipelining=None):
    """Run one playbook with the JSON callback; its figures, or BenchError when it failed."""
    WORK.mkdir(parents=True, exist_ok=True)
    clear_cli_logs(containers)
    cmd = [ANSIBLE_PLAYBOOK, '-i', str(inventory), '--forks', str(FORKS), str(playbook)]
    if extra_vars:
        cmd += ['-e', '@%s' % extra_vars]
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_JSON_INDENT='0',
               ANSIBLE_PIPELINING=str(PIPELINING if pipelining is None else pipelining), ANSIBLE_NOCOLOR='1')
    out_path, err_path = WORK / (label + '.json'), WORK / (label + '.stderr')
    with open(out_path, 'w') as out, open(err_path, 'w') as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=str(ROOT))
        # wait4 gives this process's rusage: ru_maxrss is the largest resident set of it and of
        # every process it waited for (Ansible's forks, the docker CLI of the connection), in KiB.
        unused_pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    text = out_path.read_text()
    try:
        report = json.loads(text[text.index('{'):])
    except ValueError as e:
        raise BenchError('%s: no JSON report from ansible-playbook (rc %d); see %s' % (label, rc, err_path)) from e
    if rc != 0:
        raise BenchError('%s failed (rc %d):\n  %s\nsee %s and %s' % (label, rc, '\n  '.join(failures(report)) or '?', out_path, err_path))
    stats = report.get('stats', {})
    calls = read_cli_logs(containers)
    invocations = count_invocations(report)
    by_module, by_host, cli = {}, Counter(), Counter()
    for host, binary, module in calls:
        by_module.setdefault(module, Counter())[binary] += 1
        by_host[host] += 1
        cli[binary] += 1
    per_invocation = {m: round(sum(b.values()) / invocations[m], 2) for m, b in by_module.items() if invocations.get(m)}
    return {
        'wall_s': round(wall, 2),
        'changed': sum(s.get('changed', 0) for s in stats.values()),
        'hosts': len(stats),
        'maxrss_mib': round(usage.ru_maxrss / 1024, 1),
        'cli': dict({b: cli.get(b, 0) for b in CLIS}, total=len(calls)),
        'cli_by_module': {m: dict(sorted(b.items())) for m, b in sorted(by_module.items())},
        'cli_by_host': dict(sorted(by_host.items())),
        'invocations': invocations,
        'modules_by_host': modules_by_host(report),
        'task_seconds_by_module': seconds_by_module(report),
        'cli_per_invocation': dict(sorted(per_invocation.items())),
    }


def median_of(samples):
    """The median of every number in the samples, key by key (a missing key counts as 0)."""
    def med(values):
        m = statistics.median(values)
        if all(isinstance(v, int) for v in values) and float(m).is_integer():
            return int(m)
        return round(m, 2)

    def merge(dicts):
        keys = sorted(set().union(*dicts))
        out = {}
        for k in keys:
            values = [d.get(k, 0) for d in dicts]
            out[k] = merge([v if isinstance(v, dict) else {} for v in values]) if any(isinstance(v, dict) for v in values) else med(values)
        return out
    return merge(samples)


def measure(label, playbook, inventory, containers, extra_vars=None):
    samples = []
    for i in range(REPS):
        r = run_playbook('%s-%d' % (label, i + 1), playbook, inventory, containers, extra_vars)
        log('%s run %d/%d: %.1f s, changed %d, %d CLI calls' % (label, i + 1, REPS, r['wall_s'], r['changed'], r['cli']['total']))
        samples.append(r)
    return {'samples': samples, 'median': median_of(samples)}


# ---- scaling: extra vars and extra compute containers -------------------------------------------

def write_vars(name, data):
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / ('%s.yml' % name)
    path.write_text('---\n' + yaml.safe_dump(data, sort_keys=False))
    return path


def lab_clusters(**settings):
    """The lab's clusters as its inventory declares them, the first (ceph) with more settings: extra vars
    replace a variable whole, so every cluster is given again."""
    with open(os.path.join(ROOT, 'inventories', 'lab', 'group_vars', 'all.yml')) as f:
        clusters = [dict(c) for c in yaml.safe_load(f)['openstack_ceph_clusters']]
    clusters[0].update(settings)
    return {'openstack_ceph_clusters': clusters}


def pools_vars(n):
    pools = [{'name': p} for p in DEFAULT_POOLS] + [{'name': 'bench-pool-%d' % i, 'pg_num': 1} for i in range(1, n - len(DEFAULT_POOLS) + 1)]
    return write_vars('pools-%d' % n, lab_clusters(pools=pools))


def users_vars(n):
    caps = {'mon': 'profile rbd', 'osd': 'profile rbd pool=images'}
    users = dict(('client.bench-%d' % i, {'caps': dict(caps)}) for i in range(1, n - DEFAULT_USERS + 1))
    return write_vars('users-%d' % n, lab_clusters(users=users))


def remove_bench_pools_and_users():
    script = r'''
set -e
pools=$(/usr/bin/ceph osd pool ls | grep '^bench-pool-' || true)
if [ -n "$pools" ]; then
  /usr/bin/ceph config set mon mon_allow_pool_delete true
  for p in $pools; do /usr/bin/ceph osd pool rm "$p" "$p" --yes-i-really-really-mean-it; done
  /usr/bin/ceph config rm mon mon_allow_pool_delete
fi
for u in $(/usr/bin/ceph auth ls 2>/dev/null | grep '^client\.bench-' || true); do /usr/bin/ceph auth del "$u"; done
echo "$pools" | grep -c . || true
'''
    return dexec(CEPH_HOST, script).stdout.strip()


def extra_compute_names(n):
    return ['%s-%d' % (COMPUTE_HOST, i) for i in range(2, n + 1)]


def docker_run_like(template, name):
    """docker run NAME with the image and the run options of the container TEMPLATE (molecule's platform)."""
    info = json.loads(sh(['docker', 'inspect', template]).stdout)[0]
    hc, cfg = info['HostConfig'], info['Config']
    argv = ['docker', 'run', '-d', '--name', name, '--hostname', name, '--network', hc['NetworkMode']]
    # osc-lab-init names the container's own cgroup after it (tests/lab/images/osc-lab-init).
    argv += ['-e', 'OSC_LAB_NAME=%s' % name]
    argv += ['--cap-add=%s' % c for c in hc.get('CapAdd') or []]
    argv += ['--security-opt=%s' % s for s in hc.get('SecurityOpt') or []]
    if hc.get('CgroupnsMode'):
        argv += ['--cgroupns', hc['CgroupnsMode']]
    argv += ['-v=%s' % b for b in hc.get('Binds') or []]
    argv += ['--tmpfs=%s' % (p + (':' + o if o else '')) for p, o in (hc.get('Tmpfs') or {}).items()]
    if cfg.get('Entrypoint'):
        argv += ['--entrypoint', cfg['Entrypoint'][0]]
    argv += [cfg['Image']] + list(cfg.get('Entrypoint') or [])[1:] + list(cfg.get('Cmd') or [])
    sh(argv)


def start_computes(names):
    for name in names:
        sh(['docker', 'rm', '-f', name], check=False)
        docker_run_like(COMPUTE_HOST, name)
    for name in names:
        state = dexec(name, 'systemctl is-system-running --wait', check=False, timeout=300).stdout.strip()
        if state not in ('running', 'degraded'):
            raise BenchError('%s did not boot: systemd is %s' % (name, state or '?'))
        # The image drops its package lists, as molecule/default/prepare.yml knows.
        dexec(name, 'apt-get update -q >/dev/null', timeout=600)
        deadline = time.monotonic() + 120
        while dexec(name, 'virsh -c qemu:///system version >/dev/null', check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise BenchError('libvirtd does not answer in %s' % name)
            time.sleep(2)
        # The copies measure what the collection costs per node; a Nova service in each would only
        # load the machine (and register a host with the lab's Nova): nova-compute stays stopped there.
        dexec(name, 'systemctl stop nova-compute', check=False)
        log('%s is up' % name)


def remove_computes(names):
    for name in names:
        sh(['docker', 'rm', '-f', name], check=False, timeout=120)


def inventory_with_computes(names):
    """A copy of inventories/lab with NAMES added to nova_compute (and the lab's group_vars)."""
    inv = yaml.safe_load((LAB_INVENTORY / 'hosts.yml').read_text())
    hosts = inv['all']['children']['nova_compute']['hosts']
    for name in names:
        # nova-compute is stopped on the copies (start_computes): the role writes nova.conf but does
        # not restart a service that is not meant to run there.
        hosts[name] = {'nova_rbd_restart': False}
    path = WORK / ('inventory-computes-%d' % (1 + len(names)))
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    (path / 'hosts.yml').write_text('---\n' + yaml.safe_dump(inv, sort_keys=False))
    (path / 'group_vars').symlink_to(LAB_INVENTORY / 'group_vars')
    return path


def scale(dimension, baseline, containers):
    """Each point of a dimension: converged once, then measured; the first point is the warm baseline."""
    points = []
    for n in POINTS[dimension]:
        first = n == POINTS[dimension][0]
        if first:
            points.append({'point': n, 'same_as': 'warm', 'median': baseline['median']})
            continue
        inventory, extra, hosts = LAB_INVENTORY, None, list(containers)
        if dimension == 'pools':
            extra = pools_vars(n)
        elif dimension == 'users':
            extra = users_vars(n)
        else:
            names = extra_compute_names(n)
            start_computes([c for c in names if c not in containers])
            hosts = LAB + names
            install_shims(hosts)
            inventory = inventory_with_computes(names)
        label = '%s-%d' % (dimension, n)
        log('%s: converging once' % label)
        converge = run_playbook(label + '-converge', SITE, inventory, hosts, extra)
        log('%s: converged in %.1f s (changed %d)' % (label, converge['wall_s'], converge['changed']))
        install_shims(hosts)
        points.append({'point': n, 'converge': converge, **measure(label, SITE, inventory, hosts, extra)})
        containers = hosts
    return points, containers


# ---- output -----------------------------------------------------------------------------------

def plot(results, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    titles = {'pools': 'pools', 'users': 'cephx users', 'computes': 'compute nodes'}
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, (dim, points) in zip(axes, results['scaling'].items()):
        xs = [p['point'] for p in points]
        wall = [p['median']['wall_s'] for p in points]
        calls = [p['median']['cli']['total'] for p in points]
        ax.plot(xs, wall, 'o-', color='tab:blue', label='warm site.yml (s)')
        ax.set_xlabel(titles[dim])
        ax.set_ylabel('warm run, seconds (median)', color='tab:blue')
        ax.set_ylim(bottom=0)
        ax.set_xticks(xs)
        ax2 = ax.twinx()
        ax2.plot(xs, calls, 's--', color='tab:red', label='ceph+rbd+virsh calls')
        ax2.set_ylabel('ceph + rbd + virsh processes per run', color='tab:red')
        ax2.set_ylim(bottom=0)
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title('site.yml warm run vs %s' % titles[dim])
        ax.grid(alpha=0.3)
    fig.suptitle('openstack_ceph.rbd on the lab (%d rep(s), median; %s)' % (results['settings']['reps'], results['machine']['date'][:10]))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def num(v):
    """A median for the table: whole numbers without decimals."""
    return '%d' % v if float(v).is_integer() else '%.1f' % v


def row(name, m):
    cli = m['cli']
    return '%-28s %8.1f %8s %9.0f %6s %5s %6s %6s' % (
        name, m['wall_s'], num(m['changed']), m['maxrss_mib'], num(cli['ceph']), num(cli['rbd']), num(cli['virsh']), num(cli['total']))


def print_table(results):
    print()
    print('%-28s %8s %8s %9s %6s %5s %6s %6s' % ('run (median)', 'wall s', 'changed', 'peak MiB', 'ceph', 'rbd', 'virsh', 'total'))
    if results['cold']:
        print(row('site.yml cold (1 run)', results['cold']))
    print(row('site.yml warm', results['warm']['median']))
    print(row('runbook.yml', results['runbook']['median']))
    for dim, points in results['scaling'].items():
        for p in points:
            print(row('site.yml warm, %d %s' % (p['point'], dim), p['median']))
    for title, m in (('site.yml warm (without pipelining)', results['warm_by_module']), ('runbook.yml', results['runbook']['median'])):
        print('\n%s: CLI processes by module (median per run)' % title)
        print('  %-16s %11s %6s %5s %6s %14s' % ('module', 'invocations', 'ceph', 'rbd', 'virsh', 'per invocation'))
        for mod in sorted(m['cli_by_module']):
            b = m['cli_by_module'][mod]
            print('  %-16s %11s %6s %5s %6s %14s' % (mod, num(m['invocations'].get(mod, 0)), num(b.get('ceph', 0)), num(b.get('rbd', 0)),
                                                     num(b.get('virsh', 0)), m['cli_per_invocation'].get(mod, '-')))
    warm = results['warm']['median']
    print('\nsite.yml warm: modules run on each host: %s' % ', '.join('%s %d' % hv for hv in warm['modules_by_host'].items()))
    slowest = sorted(warm['task_seconds_by_module'].items(), key=lambda kv: -kv[1])[:6]
    print('\nsite.yml warm: task time by module (median s, invocations): %s' % ', '.join(
        '%s %.1f (%s)' % (mod, secs, num(warm['invocations'].get(mod, 0))) for mod, secs in slowest))
    print()


# ---- main -------------------------------------------------------------------------------------

def main():
    started = time.monotonic()
    try:
        check_lab()
    except BenchError as e:
        sys.exit('make bench: %s' % e)
    WORK.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    log('%d repetition(s)%s; scaling points %s' % (REPS, ' (BENCH_QUICK)' if QUICK else '', POINTS))
    results = {'machine': machine_facts(),
               'settings': {'reps': REPS, 'quick': QUICK, 'forks': FORKS, 'points': POINTS, 'pipelining': PIPELINING,
                            'stdout_callback': 'ansible.posix.json'}}
    containers = list(LAB)
    try:
        results['shims'] = install_shims(LAB)
        log('CLI shims installed: %s' % results['shims'])

        first = run_playbook('site-first', SITE, LAB_INVENTORY, LAB)
        if first['changed'] > 0:
            results['cold'] = first
            results['cold_note'] = 'the first site.yml run on this lab changed %d things: recorded as the cold run' % first['changed']
        else:
            results['cold'] = None
            results['cold_note'] = ('the lab was already converged when make bench started (first run changed nothing): '
                                    'no cold figure; make lab-down && make lab-up before make bench gives one')
        log('first run: %.1f s, changed %d (%s)' % (first['wall_s'], first['changed'], 'cold' if first['changed'] else 'already converged'))
        install_shims(LAB)  # the cold run installed ceph-common on the OpenStack nodes

        results['warm'] = measure('site-warm', SITE, LAB_INVENTORY, LAB)
        # The shims find the module on the command line of the AnsiballZ file it runs from, which
        # pipelining feeds on stdin instead: one run without it attributes the CLI calls.
        results['warm_by_module'] = (results['warm']['median'] if not PIPELINING else
                                     run_playbook('site-warm-by-module', SITE, LAB_INVENTORY, LAB, pipelining=False))

        results['runbook'] = measure('runbook', RUNBOOK, LAB_INVENTORY, LAB)
        after = run_playbook('site-after-runbook', SITE, LAB_INVENTORY, LAB)
        results['runbook']['site_after'] = {'changed': after['changed'], 'wall_s': after['wall_s'],
                                            'note': 'site.yml right after the runbook (what the runbook left different)'}

        results['scaling'] = {}
        for dim in ('pools', 'users', 'computes'):
            points, containers = scale(dim, results['warm'], containers)
            results['scaling'][dim] = points
            if dim in ('pools', 'users'):
                log('removed %s bench pool(s) and the bench users' % remove_bench_pools_and_users())
    finally:
        # Whatever happened: no extra container, bench pool, bench user or shim stays behind.
        remove_computes(extra_compute_names(max(POINTS['computes'])))
        try:
            remove_bench_pools_and_users()
        except BenchError as e:
            log('could not remove the bench pools and users: %s' % e)
        remove_shims(LAB)
        log('extra computes, bench pools and users, and the CLI shims removed')

    results['duration_s'] = round(time.monotonic() - started)
    (OUT / 'results.json').write_text(json.dumps(results, indent=1, sort_keys=False) + '\n')
    plot(results, OUT / 'scaling.png')
    print_table(results)
    log('wrote %s and %s in %d s' % (OUT / 'results.json', OUT / 'scaling.png', results['duration_s']))


if __name__ == '__main__':
    try:
        main()
    except BenchError as e:
        sys.exit('make bench: %s' % e)
