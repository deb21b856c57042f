#!/usr/bin/env bash
# Build the lab's images locally (no registry is reachable) and print their tags.
#
# Each tag carries a hash of its recipe: the base image's of this script's debootstrap settings,
# a role image's of its Dockerfile, the files next to it and the base tag. An image whose tag
# exists is not rebuilt; a changed recipe gives a new tag, which is built.
#
#   build-images.sh        -> lines "LAB_<ROLE>_IMAGE=osc-lab/<role>:<hash>"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
images=$here/images
mirror=${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
base_pkgs=python3,python3-apt,sudo,iproute2,procps,systemd,systemd-sysv,dbus,ca-certificates,less

hash_of() { sha256sum | cut -c1-12; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }

base_tag="osc-lab/base:$(printf '%s\n' "$suite" "$base_pkgs" "$(cat "$images/base-setup.sh")" | hash_of)"
if ! exists "$base_tag"; then
  root=$(mktemp -d /var/tmp/osc-lab-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "build-images: debootstrap $suite into $root" >&2
  debootstrap --variant=minbase --include="$base_pkgs" "$suite" "$root" "$mirror" >&2
  cp "$images/base-setup.sh" "$root/tmp/base-setup.sh"
  chroot "$root" /bin/sh /tmp/base-setup.sh >&2
  rm -f "$root/tmp/base-setup.sh"
  tar -C "$root" -c . | docker import -c 'CMD ["/lib/systemd/systemd"]' -c 'ENV container=docker' \
    - "$base_tag" >&2
  rm -rf "$root"
  trap - EXIT
fi
echo "LAB_BASE_IMAGE=$base_tag"

for role in ceph controller compute; do
  dir=$images/$role
  tag="osc-lab/$role:$( (echo "$base_tag"; find "$dir" -type f | sort | xargs cat) | hash_of)"
  if ! exists "$tag"; then
    echo "build-images: building $tag" >&2
    docker build --network host --build-arg "BASE=$base_tag" -t "$tag" "$dir" >&2
  fi
  echo "LAB_$(echo "$role" | tr '[:lower:]' '[:upper:]')_IMAGE=$tag"
done
