# openstack_ceph.rbd: every target installs what it needs by itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
PY          := $(VENV)/bin/python
BUILD       := .build
COLL_ROOT   := $(abspath $(BUILD)/collections)
COLL_LINK   := $(COLL_ROOT)/ansible_collections/openstack_ceph/rbd
# The host needs only these: Ceph, libvirt and OpenStack run in containers built from each
# Debian suite (tests/lab/build-images.sh), whatever the host's own release.
DEB_PKGS    := shellcheck
# The suites: the lab's default (make demo, make molecule), and those the module tests run on.
LAB_SUITE   ?= trixie
IT_SUITES   ?= bookworm trixie forky
MATRIX_SUITES ?= bookworm trixie forky
export ANSIBLE_COLLECTIONS_PATH := $(COLL_ROOT)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := true
export ANSIBLE_NOCOLOR := 1
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: help deps venv debs collection collection-copy test unit units compat integration sanity lint docs demo clean build changelog \
        lab-deps lab-images lab-up lab-down lab-clear molecule matrix bench kolla-venv

help:
	@echo "make test   install what is needed, then run every test: lint, sanity, units, the module tests on"
	@echo "            Ceph 16.2, 18.2 and 20.2 (bookworm, trixie, forky), the OpenStack scenario on trixie"
	@echo "make matrix the OpenStack scenario on bookworm, trixie and forky: docs/support-matrix.md"
	@echo "make demo   bring the lab up, run site.yml against it, say what was configured, run verify.yml"
	@echo "make lab-up / make lab-down   start or remove the lab's containers (LAB_SUITE=bookworm|trixie|forky, default trixie)"
	@echo "make bench  measure site.yml on the running lab (make lab-up first): docs/bench/results.json, scaling.png"
	@echo "make docs   regenerate the Variables section of each role's README from its meta/argument_specs.yml"

$(VENV)/.installed: requirements.txt requirements-units.txt
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
# An installed copy in ~/.ansible/collections (molecule's prerun left one before it was turned
# off) would shadow this checkout for ansible-lint: remove it.
STALE_COPY := $(HOME)/.ansible/collections/ansible_collections/openstack_ceph/rbd

collection:
	@mkdir -p $(dir $(COLL_LINK))
	@ln -sfn $(CURDIR) $(COLL_LINK)
	@if [ -d $(STALE_COPY) ] && [ ! -L $(STALE_COPY) ]; then \
	  echo "removing $(STALE_COPY): an installed copy of this collection that would shadow the checkout"; \
	  rm -rf $(STALE_COPY); fi

deps: venv debs collection

unit: venv collection
	$(PY) -m pytest -q tests/unit

# The module tests against each suite's own Ceph, CLIs and libvirt, in its tester container
# (IT_SUITES), side by side: the tests mostly wait on daemons, so three suites take about as long
# as one (OSC_IT_PARALLEL=0 runs them one after the other; tests/lab/integration.sh).
OSC_IT_PARALLEL ?= 1
integration: deps lab-deps
	OSC_IT_PARALLEL=$(OSC_IT_PARALLEL) tests/lab/integration.sh $(IT_SUITES)

# ansible-test wants the collection at a real ansible_collections/<ns>/<name> path, so it
# runs on a copy of the files git knows. It also downloads a pip bootstrap script from a host
# that cannot be reached here: tests/lab/pip-bootstrap.py stands in for it.
# ANSIBLE_TEST_VENV picks the ansible-core that runs it (make compat uses older ones).
ANSIBLE_TEST_VENV ?= $(abspath $(VENV))
SANITY_ROOT := $(BUILD)/sanity/ansible_collections/openstack_ceph/rbd
PIP_FOR_ANSIBLE_TEST = $(shell $(ANSIBLE_TEST_VENV)/bin/python -c "import ansible_test._internal.python_requirements as r, inspect, re; \
	print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(r)).group(1).replace('.', '_'))")

collection-copy:
	@rm -rf $(SANITY_ROOT) && mkdir -p $(SANITY_ROOT)
	@git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C $(SANITY_ROOT)
	@# ansible-test lists files through git: the copy needs its own index, or (being under an
	@# ignored path of this checkout) it would look empty.
	@cd $(SANITY_ROOT) && git init -q && git add -A
	@mkdir -p $(HOME)/.ansible/test/cache
	@cp tests/lab/pip-bootstrap.py $(HOME)/.ansible/test/cache/get_pip_$(PIP_FOR_ANSIBLE_TEST).py

sanity: venv collection-copy
	cd $(SANITY_ROOT) && $(ANSIBLE_TEST_VENV)/bin/ansible-test sanity --python 3.11 --local --color no

# The module unit tests, through ansible-test (as the collection's own CI would run them).
units: venv collection-copy
	cd $(SANITY_ROOT) && PATH=$(ANSIBLE_TEST_VENV)/bin:$$PATH $(ANSIBLE_TEST_VENV)/bin/ansible-test units --python 3.11 --local --color no

# The oldest ansible-core meta/runtime.yml declares, and the newest that installs on Python 3.11
# (the pinned one): sanity and unit tests under each.
CORE_OLDEST := 2.16.19
COMPAT_VENV := $(abspath $(BUILD))/core-$(CORE_OLDEST)
$(COMPAT_VENV)/.installed: requirements-units.txt
	python3 -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/pip install -q --upgrade pip
	$(COMPAT_VENV)/bin/pip install -q ansible-core==$(CORE_OLDEST) -r requirements-units.txt
	touch $@

compat: venv $(COMPAT_VENV)/.installed
	@for v in $(COMPAT_VENV) $(abspath $(VENV)); do \
	  echo "== ansible-core $$($$v/bin/python -c "from ansible.release import __version__; print(__version__)")"; \
	  $(MAKE) --no-print-directory sanity units ANSIBLE_TEST_VENV=$$v || exit 1; done

# The tarball operators install (build_ignore in galaxy.yml keeps tests, lab and caches out).
build: venv
	@rm -rf $(BUILD)/dist && $(VENV)/bin/ansible-galaxy collection build --output-path $(BUILD)/dist . && \
	ls -l $(BUILD)/dist/*.tar.gz

# CHANGELOG.rst from changelogs/changelog.yaml and the fragments in changelogs/fragments.
# (antsibull-changelog lists new modules through ansible-doc, which must find the collection.)
changelog: venv collection
	$(VENV)/bin/antsibull-changelog generate

lint: venv collection
	$(VENV)/bin/ruff check plugins tests molecule
	$(PY) tests/docs/role_readmes.py --check
	$(VENV)/bin/yamllint .
	$(VENV)/bin/ansible-lint --nocolor
	shellcheck tests/lab/*.sh tests/lab/images/*.sh tests/lab/images/osc-lab-init tests/lab/images/*/*.sh .ci/run
	$(VENV)/bin/antsibull-changelog lint

# Each role's README documents its variables from meta/argument_specs.yml; lint fails when they differ.
docs: venv
	$(PY) tests/docs/role_readmes.py --write

test: deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint compat && \
	$(MAKE) --no-print-directory integration && \
	$(MAKE) --no-print-directory molecule; rc=$$?; \
	tests/lab/docker-engine.sh stop; \
	$(PY) tests/lab/test_times.py $(BUILD); \
	echo "make test: $$(( $$(date +%s) - start )) s"; exit $$rc

# kolla-ansible in its own venv, pinned to the lab's OpenStack release (requirements-kolla.txt), for
# the test that runs its config generation on the files playbooks/kolla.yml writes.
KOLLA_VENV := $(abspath $(BUILD))/kolla-ansible
$(KOLLA_VENV)/.installed: requirements-kolla.txt
	@start=$$(date +%s); python3 -m venv $(KOLLA_VENV) && $(KOLLA_VENV)/bin/pip install -q --upgrade pip && \
	$(KOLLA_VENV)/bin/pip install -q -r requirements-kolla.txt && \
	echo "kolla-ansible venv: $$(( $$(date +%s) - start )) s" && touch $@

kolla-venv: $(KOLLA_VENV)/.installed

# ---- the local lab: Ceph, controller and compute containers, defined by molecule/default ----
# One scenario per suite: default (trixie), bookworm and forky share default's playbooks and tests.
LAB_ENV := $(BUILD)/lab-images-$(LAB_SUITE).env
SCENARIO := $(if $(filter trixie,$(LAB_SUITE)),default,$(LAB_SUITE))
# Runs molecule with the lab images' recipe-hashed tags in its environment.
MOLECULE = set -a && . $(abspath $(LAB_ENV)) && set +a && $(abspath $(VENV))/bin/molecule

lab-deps:
	@command -v debootstrap >/dev/null || { apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap; }
	tests/lab/docker-engine.sh start

lab-images: venv collection lab-deps
	@mkdir -p $(BUILD)
	@start=$$(date +%s); tests/lab/build-images.sh $(LAB_SUITE) > $(LAB_ENV).new && mv $(LAB_ENV).new $(LAB_ENV) || \
	{ rm -f $(LAB_ENV).new; echo "lab images: the build failed after $$(( $$(date +%s) - start )) s" >&2; exit 1; }; \
	echo "lab images ready in $$(( $$(date +%s) - start )) s:"; cat $(LAB_ENV)

lab-up: lab-images
	@start=$$(date +%s); $(MOLECULE) create -s $(SCENARIO) && $(MOLECULE) prepare -s $(SCENARIO); rc=$$?; \
	echo "lab-up: $$(( $$(date +%s) - start )) s"; exit $$rc

lab-down: venv
	@if [ -f $(LAB_ENV) ]; then $(MOLECULE) destroy -s $(SCENARIO); fi
	@docker rm -f osc-lab-ceph osc-lab-controller osc-lab-compute >/dev/null 2>&1 || true
	@# The empty cgroups tests/lab/images/osc-lab-init made for forky's systemd on a hybrid host.
	@if [ -d /sys/fs/cgroup/unified/osc-lab ]; then \
	  find /sys/fs/cgroup/unified/osc-lab -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true; fi

# The log is kept for the verify step, which checks that no key appears in this run's output.
# The run's result and versions go to the support matrix.
MOLECULE_LOG := $(abspath $(BUILD))/molecule-$(LAB_SUITE).log
# A lab left by an earlier run (of any suite) is removed first: the controller image's set-up
# refuses to build while a lab's MariaDB or Keystone holds loopback's ports, and the scenario's
# first step would destroy it anyway.
lab-clear: lab-deps
	@docker rm -f osc-lab-ceph osc-lab-controller osc-lab-compute >/dev/null 2>&1 || true

molecule: lab-clear lab-images kolla-venv
	@set -o pipefail; start=$$(date +%s); export OSC_LAB_MOLECULE_LOG=$(MOLECULE_LOG); \
	($(MOLECULE) test -s $(SCENARIO)) 2>&1 | tee $(MOLECULE_LOG); rc=$$?; \
	echo "molecule on $(LAB_SUITE): rc $$rc in $$(( $$(date +%s) - start )) s"; \
	$(PY) tests/lab/support_matrix.py record-openstack $(LAB_SUITE) $(LAB_ENV) $$rc $(MOLECULE_LOG); exit $$rc

# The OpenStack scenario on every suite, each recorded in docs/support-matrix.md whatever its
# result (forky is Debian testing and may break on its own); fails if any suite failed.
matrix: venv collection
	@rc=0; for s in $(MATRIX_SUITES); do \
	  $(MAKE) --no-print-directory molecule LAB_SUITE=$$s || rc=1; done; \
	tests/lab/docker-engine.sh stop; exit $$rc

demo: lab-up
	@start=$$(date +%s); $(VENV)/bin/ansible-playbook -i inventories/lab playbooks/site.yml && \
	$(VENV)/bin/ansible-playbook -i inventories/lab playbooks/verify.yml; rc=$$?; \
	echo "site.yml and verify.yml: $$(( $$(date +%s) - start )) s"; exit $$rc

clean:
	rm -rf $(BUILD) .pytest_cache

# ---- benchmarks (docs/bench/README.md): site.yml on the running lab, against the manual runbook ----
# BENCH_REPS=N repetitions (default 3), BENCH_QUICK=1 for a short trial.
$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(VENV)/bin/pip install -q -r requirements-bench.txt
	touch $@

# bench.py stops with "run make lab-up first" when the lab's containers are not running.
bench: venv collection $(VENV)/.bench-installed
	@start=$$(date +%s); $(PY) tests/bench/bench.py; rc=$$?; \
	echo "make bench: $$(( $$(date +%s) - start )) s"; exit $$rc
