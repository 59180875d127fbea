#!/usr/bin/env bash
# Installs the Debian packages distlab needs (only those missing), then configures and builds.
# Used by run.sh and test.sh; safe to run again (it only does what is missing or changed).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config ccache
          libsimgrid-dev libfmt-dev libcli11-dev catch2 libtomlplusplus-dev libxxhash-dev
          nlohmann-json3-dev
          # the Python package (for /usr/bin/python3, Debian's): bindings, notebooks, sweeps
          python3-dev pybind11-dev python3-numpy python3-pandas python3-matplotlib python3-tqdm
          python3-pytest python3-nbclient python3-nbformat python3-ipykernel python3-distributed)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

build=${DISTLAB_BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DPython_EXECUTABLE=/usr/bin/python3 >&2
fi
# A build directory configured before the Python package existed had it off: turn it on.
if grep -q '^DISTLAB_BUILD_PYTHON:BOOL=OFF' "$build/CMakeCache.txt" 2>/dev/null; then
  cmake -S . -B "$build" -DDISTLAB_BUILD_PYTHON=ON -DPython_EXECUTABLE=/usr/bin/python3 >&2
fi
jobs=$(nproc 2>/dev/null || echo 2)
cmake --build "$build" -j "$jobs" >&2

# `import distlab` in /usr/bin/python3 (and so in Jupyter kernels and pytest) without
# PYTHONPATH: a .pth file in the user's site-packages names <build>/python. One that names
# another checkout's build (still there) is left alone: that checkout was set up first.
if [ ! -d "$build/python/distlab" ]; then
  echo "setup: $build was configured with -DDISTLAB_BUILD_PYTHON=OFF: no Python package" >&2
  exit 0
fi
pkg_dir=$(cd "$build/python" && pwd)
site_dir=$(/usr/bin/python3 -c 'import site; print(site.getusersitepackages())')
pth="$site_dir/distlab.pth"
if [ -f "$pth" ] && [ "$(cat "$pth")" != "$pkg_dir" ] && [ -d "$(cat "$pth")/distlab" ]; then
  echo "setup: $pth names $(cat "$pth"), left as it is (this build: $pkg_dir)" >&2
elif [ ! -f "$pth" ] || [ "$(cat "$pth")" != "$pkg_dir" ]; then
  mkdir -p "$site_dir"
  echo "$pkg_dir" > "$pth"
  echo "setup: import distlab now finds $pkg_dir (via $pth)" >&2
fi
