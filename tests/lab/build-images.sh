#!/usr/bin/env bash
# Build the lab's images locally (no registry is reachable) and print their tags.
#
# One Debian suite per call: bookworm (Ceph 16.2, OpenStack Zed), trixie (Ceph 18.2, 2025.1) or
# forky (Ceph 20.2, 2026.1). Each tag carries the suite and a hash of its recipe: the base image's
# of the suite and this script's debootstrap settings, a role image's of its Dockerfile, the files
# next to it and the base tag. An image whose tag exists is not rebuilt; a changed recipe gives a
# new tag, which is built.
#
#   build-images.sh SUITE [ROLE...]   -> lines "LAB_<ROLE>_IMAGE=osc-lab/<role>:<suite>-<hash>"
#
# ROLEs default to the lab's machines (ceph controller compute); `tester` is the image the module
# integration tests run in (tests/integration, make integration).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
images=$here/images
mirror=${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${1:?usage: $0 SUITE [ROLE...]}
shift
roles=("$@")
[ ${#roles[@]} -gt 0 ] || roles=(ceph controller compute)
case "$suite" in
bookworm | trixie | forky) ;;
*) echo "build-images: unknown suite '$suite' (bookworm, trixie or forky)" >&2; exit 2 ;;
esac
base_pkgs=python3,python3-apt,sudo,iproute2,procps,systemd,systemd-sysv,dbus,ca-certificates,less

hash_of() { sha256sum | cut -c1-12; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }

base_tag="osc-lab/base:$suite-$(printf '%s\n' "$suite" "$base_pkgs" "$(cat "$images/base-setup.sh" "$images/osc-lab-init")" | hash_of)"
if ! exists "$base_tag"; then
  root=$(mktemp -d /var/tmp/osc-lab-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "build-images: debootstrap $suite into $root" >&2
  # The sid script bootstraps every suite from bookworm on, and is the only one an older
  # debootstrap has for a suite newer than itself (bookworm's knows no forky).
  debootstrap --variant=minbase --include="$base_pkgs" "$suite" "$root" "$mirror" \
    /usr/share/debootstrap/scripts/sid >&2
  cp "$images/base-setup.sh" "$root/tmp/base-setup.sh"
  chroot "$root" /bin/sh /tmp/base-setup.sh "$suite" "$mirror" >&2
  rm -f "$root/tmp/base-setup.sh"
  install -m 0755 "$images/osc-lab-init" "$root/usr/local/sbin/osc-lab-init"
  tar -C "$root" -c . | docker import -c 'CMD ["/usr/local/sbin/osc-lab-init"]' -c 'ENV container=docker' \
    - "$base_tag" >&2
  rm -rf "$root"
  trap - EXIT
fi
echo "LAB_BASE_IMAGE=$base_tag"

for role in "${roles[@]}"; do
  dir=$images/$role
  [ -f "$dir/Dockerfile" ] || { echo "build-images: no recipe $dir/Dockerfile" >&2; exit 2; }
  # Files of images/common/ that the recipe names are part of its context and of its hash.
  common=()
  for f in "$images"/common/*; do grep -qF "$(basename "$f")" "$dir/Dockerfile" && common+=("$f"); done
  tag="osc-lab/$role:$suite-$( (echo "$base_tag"; find "$dir" -type f | sort | xargs cat; cat "${common[@]}" </dev/null) | hash_of)"
  if ! exists "$tag"; then
    echo "build-images: building $tag" >&2
    # The build context is the recipe plus host-ca.pem, the CA bundle this host trusts for
    # HTTPS (pip's, as configured here): a recipe that fetches from PyPI trusts what the host
    # does, behind an inspecting proxy too. It is not part of the recipe's hash.
    context=$(mktemp -d /var/tmp/osc-lab-context.XXXXXX)
    cp -a "$dir/." "$context/"
    [ ${#common[@]} -eq 0 ] || cp "${common[@]}" "$context/"
    ca=${PIP_CERT:-${REQUESTS_CA_BUNDLE:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}}
    if [ -f "$ca" ]; then cp "$ca" "$context/host-ca.pem"; else : > "$context/host-ca.pem"; fi
    docker build --network host --build-arg "BASE=$base_tag" --build-arg "SUITE=$suite" -t "$tag" "$context" >&2 ||
      { rm -rf "$context"; exit 1; }
    rm -rf "$context"
  fi
  echo "LAB_$(echo "$role" | tr '[:lower:]' '[:upper:]')_IMAGE=$tag"
done
