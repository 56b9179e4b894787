# awk-baseline.awk - what a user would write instead of `pagetop -b -n 1 --limit 20`:
# the 20 stacks holding the most pages in a show_stacks file, with their caller.
#
#   awk -f bench/awk-baseline.awk /sys/kernel/debug/page_owner_stacks/show_stacks
#
# Records are frame lines (" name+0xOFF/0xSIZE [module]"), then "nr_base_pages: N"
# ("stack_count: N" in the original proposal's format), then a blank line. Identical stacks
# are summed (key: the frame lines joined). The caller is the first frame that is not
# allocator machinery (pagetop's default patterns), shown as pagetop labels it: function
# name and [module]. Portable: mawk, gawk, busybox awk (no gawk extensions).
# Options: -v limit=N (default 20), -v pagesize=BYTES (default 4096).

BEGIN {
	if (limit == "") limit = 20
	if (pagesize == "") pagesize = 4096
	# pagetop's default allocator patterns (model_default_alloc_patterns), as one ERE
	# on the function name without compiler suffixes (.constprop.0, .isra.0, .cold, ...)
	alloc = "^(prep_new_page|post_alloc_hook|get_page_from_freelist|__alloc_pages.*|" \
		"alloc_pages.*|__alloc_frozen_pages.*|alloc_frozen_pages.*|__folio_alloc.*|" \
		"folio_alloc.*|vma_alloc_folio.*|alloc_pages_mpol.*|alloc_page_interleave|" \
		"__get_free_pages|get_zeroed_page.*|alloc_slab_page|allocate_slab|new_slab|" \
		"___slab_alloc|__slab_alloc.*|slab_alloc_node|kmem_cache_alloc.*|" \
		"__kmem_cache_alloc.*|__kmalloc.*|kmalloc.*|___kmalloc_large_node|" \
		"__kmalloc_large_node.*|kmalloc_large.*|kmalloc_order.*|__do_kmalloc_node|" \
		"kmem_cache_alloc_bulk.*|__alloc_pages_bulk.*|alloc_pages_bulk.*|" \
		"kmem_cache_prefill_sheaf|__vmalloc_node_range.*|__vmalloc_area_node|" \
		"vm_area_alloc_pages|__vmalloc_node.*|mempool_alloc.*|.*_noprof)$"
	key = ""; caller = ""; nstacks = 0; total = 0
}

/^nr_base_pages: / || /^stack_count: / {
	if (key != "") {
		if (!(key in pages)) {
			nstacks++
			pages[key] = 0
			who[key] = (caller != "") ? caller : first
		}
		pages[key] += $2
		total += $2
	}
	key = ""; caller = ""; first = ""
	next
}

/^$/ { next }

{
	# a frame line, with or without the leading space
	f = $0
	sub(/^ /, "", f)
	key = key f "\n"
	if (caller == "") {
		# the label: the function name (with its suffixes) and the [module]
		fn = f
		sub(/\+0x.*/, "", fn)
		mod = ""
		if (f ~ / \[[^]]*\]$/) mod = substr(f, index(f, " ["))
		if (first == "") first = fn mod
		base = fn
		sub(/\..*/, "", base)
		if (base !~ alloc) caller = fn mod
	}
}

END {
	# top `limit` by pages: insertion into a small sorted array
	n = 0
	for (k in pages) {
		p = pages[k]
		if (n == limit && p <= tp[n]) continue
		if (n < limit) n++
		i = n
		while (i > 1 && tp[i - 1] < p) {
			tp[i] = tp[i - 1]; tk[i] = tk[i - 1]; i--
		}
		tp[i] = p; tk[i] = k
	}
	printf "%d stacks, %d pages (%.1f MiB)\n", nstacks, total, total * pagesize / 1048576
	printf "%10s %10s  %s\n", "PAGES", "MiB", "CALLER"
	for (i = 1; i <= n; i++)
		printf "%10d %10.1f  %s\n", tp[i], tp[i] * pagesize / 1048576, who[tk[i]]
}
