#!/bin/sh
# Generates ./configure from configure.ac (needs autoconf, automake, autopoint, pkg-config).
set -e
cd "$(dirname "$0")"
autoreconf --force --install
