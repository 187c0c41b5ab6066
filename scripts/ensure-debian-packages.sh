#!/usr/bin/env bash
# Installs the given Debian packages when any is missing (as root), or says which to install and fails.
# Sourced by run.sh and test.sh: the portrait check needs opencv-data (Haar cascade, BRISQUE models) and libgtk-3-0
# (the native OpenCvSharp runtime links against it); the portrait tests also read opencv-doc's and python3-skimage's photographs;
# the dashboard's browser test drives chromium.
ensure_debian_packages() {
  dpkg -s "$@" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  else
    echo "CitizenWorkflows needs these Debian packages: sudo apt-get install $*" >&2
    return 1
  fi
}
