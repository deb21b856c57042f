# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One resource or a list of them in one module call: every item is checked before anything runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator


def item_options(options, key='name'):
    """The spec of one item of a list of resources: the same options with `key` (the option that
    names the resource) required and no defaults, so an option an item leaves out is None and falls
    back to the top level."""
    return dict((k, dict([(a, b) for a, b in v.items() if a != 'default'], required=(k == key)))
                for k, v in options.items())


def wanted_items(module, options, list_param, validate, key='name'):
    """The options of each resource to manage: the top-level `options` alone, or each item of the
    list parameter `list_param` over them (an option an item leaves out falls back to the top level).

    Every item is type-checked against `options` (with `key`, the option naming the resource,
    required) and given to
    `validate(params, where)`, which returns what is wrong or None; `where` names the item, such as
    "pools[1] (vms): ". The first problem fails the module, before any read or change."""
    top = dict((k, module.params[k]) for k in options)
    if module.params[list_param] is None:
        problem = validate(top, '')
        if problem:
            module.fail_json(msg=problem)
        return [top]
    validator = ArgumentSpecValidator(item_options(options, key))
    items, names = [], set()
    for index, item in enumerate(module.params[list_param]):
        named = isinstance(item, dict) and isinstance(item.get(key), str)
        where = '%s[%d]%s: ' % (list_param, index, ' (%s)' % item[key] if named else '')
        if not isinstance(item, dict):
            module.fail_json(msg='%seach item must be a dictionary with a %s.' % (where, key))
        # Unset options: None here, or left out (a module that declares the items' options fills
        # them in with None before this runs).
        checked = validator.validate(dict((k, v) for k, v in item.items() if v is not None))
        if checked.error_messages:
            module.fail_json(msg=where + '; '.join(checked.error_messages))
        merged = dict((k, v if v is not None else top[k]) for k, v in checked.validated_parameters.items())
        problem = validate(merged, where)
        if problem:
            module.fail_json(msg=problem)
        if merged[key] in names:
            module.fail_json(msg='%s%s is listed twice.' % (where, merged[key]))
        names.add(merged[key])
        items.append(merged)
    return items
