# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The input of the filters that read the registered result of a task looped over clusters
    # (cluster_keys, cluster_values).
    DOCUMENTATION = r'''
options:
  _input:
    description: The C(results) of the registered variable of the looped task.
    type: list
    elements: dict
    required: true
  loop_var:
    description: The task's C(loop_var), a cluster with a C(name).
    type: str
    required: true
'''
