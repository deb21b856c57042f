# openstack_ceph.rbd: every target installs what it needs by itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
PY          := $(VENV)/bin/python
BUILD       := .build
COLL_ROOT   := $(abspath $(BUILD)/collections)
COLL_LINK   := $(COLL_ROOT)/ansible_collections/openstack_ceph/rbd
DEB_PKGS    := ceph-mon ceph-mgr ceph-osd ceph-common python3-rbd python3-rados \
               libvirt-daemon-system libvirt-clients libvirt-daemon-driver-storage-rbd
export ANSIBLE_COLLECTIONS_PATH := $(COLL_ROOT)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := true
export ANSIBLE_NOCOLOR := 1

.PHONY: help deps venv debs collection test unit integration demo docs-check clean

help:
	@echo "make test   install what is needed, then run the unit and integration tests"
	@echo "make demo   run site.yml against the built-in lab (coming with the lab issue)"

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Debian packages for the throwaway Ceph cluster and libvirtd the integration tests start.
$(BUILD)/.debs:
	@mkdir -p $(BUILD)
	@if ! dpkg -s $(DEB_PKGS) >/dev/null 2>&1; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(DEB_PKGS); \
	fi
	touch $@

debs: $(BUILD)/.debs

# The collection is importable by its FQCN through a link into a private collections path.
collection:
	@mkdir -p $(dir $(COLL_LINK))
	@ln -sfn $(CURDIR) $(COLL_LINK)

deps: venv debs collection

unit: venv collection
	$(PY) -m pytest -q tests/unit

integration: deps
	$(PY) -m pytest -q tests/integration

test: deps
	@start=$$(date +%s); \
	$(PY) -m pytest tests/unit tests/integration -p no:cacheprovider; rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s"; exit $$rc

demo:
	@echo "make demo: the lab (issue: local lab of real machines) is coming; nothing to run yet."

clean:
	rm -rf $(BUILD) .pytest_cache
