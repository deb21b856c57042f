# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module that runs the ceph or rbd CLI.
    DOCUMENTATION = r'''
options:
  cluster:
    description:
      - Name of the Ceph cluster, passed as C(--cluster). It selects the default
        C(/etc/ceph/<cluster>.conf) and keyring paths when O(conf) and O(keyring) are not given.
      - A letter, then up to 63 letters, digits, C(_) or C(-). Anything else (a C(/), C(..), a newline) is
        refused before any command runs, because the name becomes part of file paths.
    type: str
    default: ceph
  conf:
    description:
      - Path of the Ceph configuration file on the target (C(--conf)).
      - When omitted the CLI uses C(/etc/ceph/<cluster>.conf).
    type: path
  user:
    description:
      - The cephx user the CLI authenticates as (C(--id)). A leading C(client.) is accepted and stripped.
      - The ID is letters, digits, C(_), C(-) and C(.), at most 128 characters.
    type: str
    default: admin
    aliases: [id]
  keyring:
    description:
      - Path of the keyring holding O(user)'s key on the target (C(--keyring)).
      - The key itself is never passed on the command line.
      - Paths (this and O(conf)) must not contain control characters.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for the monitors before failing (C(--connect-timeout) for C(ceph),
        C(client_mount_timeout) for C(rbd)). An unreachable cluster fails after this long
        with a message that says so, instead of hanging.
      - It also bounds each request once connected, so a monitor that stops answering in the middle of
        a call fails the task instead of blocking it (C(rados_mon_op_timeout)); for C(rbd) each request
        to an OSD is bounded too (C(rados_osd_op_timeout)), so a pool whose placement groups are not
        active fails the task.
      - A timed-out step is always a failure, never reported as success, even where the CLI itself exits
        with 0 after printing the timeout (C(rbd pool init) does). The message names the step; every step
        can be run again, and a re-run once the cluster answers completes the work.
      - Between 1 and 3600.
    type: int
    default: 30
  cli_prefix:
    description:
      - Command words put in front of every C(ceph) and C(rbd) call, for clusters whose CLI lives in a
        container, for example V([cephadm, shell, --]) or V([podman, exec, -i, ceph-mon-host1]).
      - Input such as an imported keyring travels on standard input, so a container prefix must keep
        standard input open (C(-i) for C(podman exec) and C(docker exec)).
      - Only the first word is looked up on the target; O(conf) and O(keyring) are paths as seen by the CLI.
      - The words must not contain control characters.
    type: list
    elements: str
    default: []
notes:
  - The module runs the Ceph CLI on the target host, which needs C(ceph-common) (and C(rbd) for RBD
    operations) or a O(cli_prefix) that reaches them.
  - Commands run with C(LANG=C) and are given as argument lists, never through a shell.
'''
