# SPDX-License-Identifier: BSD-2-Clause
# Shared helpers of the scripts/run-*.sh entry points (sourced, not run).

CELL_REPO=$(cd "$(dirname "$0")/.." && pwd)
CELL_BUILD_ROOT=${CELL_BUILD_ROOT:-$CELL_REPO/build-ci}
CELL_JOBS=${CELL_JOBS:-$(nproc 2> /dev/null || echo 2)}

cell_log() {
	printf '\n=== %s [%s]\n' "$*" "$(date -u +%H:%M:%S)"
}

cell_die() {
	echo "error: $*" >&2
	exit 1
}

# Install the Debian packages given as arguments unless they are all present
# already, so a second run needs neither root nor the network.
cell_need_packages() {
	missing=""
	for pkg in "$@"; do
		dpkg-query -W -f '${Status}' "$pkg" 2> /dev/null | grep -q 'install ok installed' ||
			missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	command -v apt-get > /dev/null ||
		cell_die "missing packages:$missing (and no apt-get to install them)"
	if [ "$(id -u)" -eq 0 ]; then
		sudo=""
	elif command -v sudo > /dev/null; then
		sudo="sudo"
		echo "note: installing$missing with sudo (apt-get needs root)" >&2
	else
		cell_die "missing packages:$missing; apt-get needs root and there is no sudo:" \
			"run $(basename "$0") as root (or install them as root first)"
	fi
	cell_log "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	$sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends $missing ||
		cell_die "apt-get install$missing failed"
}

# The packages every build needs.
CELL_BUILD_PACKAGES="cmake make gcc libc6-dev pkg-config libfdt-dev libjansson-dev binutils"

# cell_configure_build DIR [cmake args...]: configure (once) and build.
cell_configure_build() {
	dir=$1
	shift
	cmake -S "$CELL_REPO" -B "$dir" "$@" > "$dir.configure.log" 2>&1 ||
		{ cat "$dir.configure.log"; return 1; }
	cmake --build "$dir" -j "$CELL_JOBS"
}
