#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/prometheus-live.sh - tests/cli/prometheus.sh on the kernel lab's leak, live:
# pagetop record --textfile in the guest, the node exporter and Prometheus on the host.
# Run by "make check-live".
here=$(cd "$(dirname "$0")" && pwd)
PAGETOP_PROM_SOURCE=lab exec bash "$here/../cli/prometheus.sh"
