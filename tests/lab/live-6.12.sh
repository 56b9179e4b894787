#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/live-6.12.sh - tests/lab/live.sh on the lab's Linux 6.12: the 6.9-6.18 layout
# of page_owner_stacks (show_stacks and count_threshold, no show_handles) that most
# distribution kernels have. Run by "make check-live".
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_KERNEL=6.12 exec bash "$here/live.sh" "$@"
