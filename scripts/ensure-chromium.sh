#!/usr/bin/env bash
# `npm test` runs this first (pretest): the queue dashboard's browser test drives Debian's Chromium
# through playwright-core, which downloads no browser. Installs it when missing and possible (root
# with apt-get, as on the project's machines and CI); otherwise says how, and fails.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "pretest: installing Debian's chromium for the browser test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -q
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends chromium
  exit 0
fi
echo "pretest: /usr/bin/chromium is missing: install Debian's chromium (sudo apt-get install chromium)" >&2
exit 1
